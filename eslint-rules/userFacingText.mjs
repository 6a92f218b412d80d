/**
 * ESLint rule `gitshare/localized-text`: text a person reads goes through `vscode.l10n.t` (or
 * `l10n.t` of `@vscode/l10n` in the vscode-free modules), never as a literal, so the UI follows
 * the user's display language. It looks where VS Code shows our text: the arguments of
 * `window.show*Message`, `setStatusBarMessage` and `FileSystemError.NoPermissions(…)` and kin,
 * the label of a `new TreeItem`, the message of a `new …Error`, and the UI fields of objects and
 * assignments (`title`, `placeHolder`, `prompt`, `tooltip`, `label`, `description`, `detail`,
 * `message`, `validationMessage`, `openLabel`, `saveLabel`, …).
 *
 * Our own helpers that hand text on to those places are declared in the rule's options
 * (eslint.config.mjs), so adding one is one line there:
 *   calls:  { 'errors.handle': [1], MessageNode: [0] }  — a call or `new` whose callee ends in that
 *           name (`this.errors.handle(…)`), and the positions (from 0) of its arguments that are shown;
 *   fields: ['action', 'lines']                        — more property names whose value is shown.
 *
 * Inside such a place, a string or template literal with words in it, also in a `?:`, `||`, `??`,
 * `+` or an array, is reported; so is one a variable of the same file was given
 * (`const title = 'DNS'; … { title }`, `message = 'Not found.'; … new GitShareError(kind, message)`).
 * A call (`l10n.t(…)`, or a helper that returns text) is not followed, nor a parameter or an import.
 * Text that is not prose (`''`, `'/'`, `'$(sync~spin)'`) passes.
 */

const UI_FIELDS = new Set([
  'title',
  'placeHolder',
  'placeholder',
  'prompt',
  'tooltip',
  'label',
  'description',
  'detail',
  'message',
  'validationMessage',
  'openLabel',
  'saveLabel',
  'text',
  'contents',
]);

const MESSAGE_CALLS = new Set([
  'showInformationMessage',
  'showWarningMessage',
  'showErrorMessage',
  'setStatusBarMessage',
  'showQuickPick',
  // vscode.FileSystemError's factories: their message reaches the person through the editor.
  'FileNotFound',
  'FileExists',
  'FileNotADirectory',
  'FileIsADirectory',
  'NoPermissions',
  'Unavailable',
]);

/** Words a person reads: a letter left once codicons (`$(name)`) are taken out. */
function isProse(text) {
  return /\p{L}/u.test(text.replace(/\$\([\w~-]+\)/g, ''));
}

function calleeName(callee) {
  if (callee.type === 'Identifier') {
    return callee.name;
  }
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier') {
    return callee.property.name;
  }
  return undefined;
}

/** `this.errors.handle` → ['this', 'errors', 'handle']; undefined for a computed or called callee. */
function calleePath(callee) {
  if (callee.type === 'Identifier') {
    return [callee.name];
  }
  if (callee.type === 'ThisExpression') {
    return ['this'];
  }
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier') {
    const object = calleePath(callee.object);
    return object ? [...object, callee.property.name] : undefined;
  }
  return undefined;
}

/** The argument positions an option `calls` declares for this callee (`'errors.handle'` matches `this.errors.handle`). */
function declaredPositions(calls, callee) {
  const path = calleePath(callee);
  if (!path) {
    return undefined;
  }
  for (const [name, positions] of Object.entries(calls)) {
    const wanted = name.split('.');
    if (wanted.length <= path.length && wanted.every((part, i) => part === path[path.length - wanted.length + i])) {
      return positions;
    }
  }
  return undefined;
}

/** The variable `name` refers to where `node` is, if this file declares it. */
function findVariable(sourceCode, node, name) {
  for (let scope = sourceCode.getScope(node); scope; scope = scope.upper) {
    const variable = scope.set.get(name);
    if (variable) {
      return variable;
    }
  }
  return undefined;
}

/**
 * The literals with words in them that `node` evaluates to: through `?:`, `||`, `+`, arrays, and
 * the values this file writes to a variable it names (never through a call).
 */
function literalsIn(node, sourceCode, found = [], seen = new Set()) {
  const recurse = (child) => literalsIn(child, sourceCode, found, seen);
  switch (node.type) {
    case 'Identifier': {
      const variable = findVariable(sourceCode, node, node.name);
      if (!variable || seen.has(variable)) {
        break;
      }
      seen.add(variable);
      for (const reference of variable.references) {
        if (reference.isWrite() && reference.writeExpr) {
          recurse(reference.writeExpr);
        }
      }
      break;
    }
    case 'Literal':
      if (typeof node.value === 'string' && isProse(node.value)) {
        found.push(node);
      }
      break;
    case 'TemplateLiteral':
      if (node.quasis.some((q) => isProse(q.value.cooked ?? q.value.raw))) {
        found.push(node);
      }
      break;
    case 'ConditionalExpression':
      recurse(node.consequent);
      recurse(node.alternate);
      break;
    case 'LogicalExpression':
      recurse(node.left);
      recurse(node.right);
      break;
    case 'BinaryExpression':
      if (node.operator === '+') {
        recurse(node.left);
        recurse(node.right);
      }
      break;
    case 'ArrayExpression':
      node.elements.forEach((element) => element && element.type !== 'SpreadElement' && recurse(element));
      break;
    case 'TSAsExpression':
    case 'TSNonNullExpression':
    case 'TSSatisfiesExpression':
      recurse(node.expression);
      break;
    default:
      break;
  }
  return found;
}

function keyName(property) {
  if (property.computed) {
    return undefined;
  }
  return property.key.type === 'Identifier' ? property.key.name : property.key.value;
}

export const localizedText = {
  meta: {
    type: 'problem',
    docs: { description: 'Text shown to a person goes through vscode.l10n.t / l10n.t' },
    messages: {
      literal:
        'Text a person reads goes through vscode.l10n.t (or l10n.t from @vscode/l10n in vscode-free code) so it can be translated; then run `npm run l10n`.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          calls: {
            type: 'object',
            additionalProperties: { type: 'array', items: { type: 'integer', minimum: 0 } },
          },
          fields: { type: 'array', items: { type: 'string' } },
        },
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const options = context.options[0] ?? {};
    const calls = options.calls ?? {};
    const fields = new Set([...UI_FIELDS, ...(options.fields ?? [])]);
    const { sourceCode } = context;
    // A literal reached from two places (a constant used twice) is reported once.
    const reported = new Set();
    const report = (nodes) =>
      nodes.forEach((node) => {
        if (!reported.has(node)) {
          reported.add(node);
          context.report({ node, messageId: 'literal' });
        }
      });
    const check = (node) => report(literalsIn(node, sourceCode));
    /** The arguments our own helpers (option `calls`) show. */
    const declaredArguments = (node) => {
      for (const position of declaredPositions(calls, node.callee) ?? []) {
        const argument = node.arguments[position];
        if (argument && argument.type !== 'SpreadElement') {
          check(argument);
        }
      }
    };
    return {
      CallExpression(node) {
        const name = calleeName(node.callee);
        if (name && MESSAGE_CALLS.has(name)) {
          node.arguments.forEach(check);
        } else {
          declaredArguments(node);
        }
      },
      NewExpression(node) {
        const name = calleeName(node.callee);
        if (!name) {
          return;
        }
        if (declaredPositions(calls, node.callee)) {
          declaredArguments(node);
          return;
        }
        if (name === 'TreeItem' || name === 'MarkdownString') {
          if (node.arguments[0]) {
            check(node.arguments[0]);
          }
        } else if (name === 'GitShareError') {
          // (kind, message, options): the kind is an id; options.detail goes to the log only.
          if (node.arguments[1]) {
            check(node.arguments[1]);
          }
        } else if (/Error$/.test(name) && node.arguments[0]) {
          // A one-word argument is an id (RegistrationRefusedError('refused')); a message has words.
          report(
            literalsIn(node.arguments[0], sourceCode).filter((literal) =>
              /\s/.test(
                literal.type === 'Literal' ? literal.value : literal.quasis.map((q) => q.value.cooked).join(' '),
              ),
            ),
          );
        }
      },
      Property(node) {
        const object = node.parent;
        if (object.type !== 'ObjectExpression' || !fields.has(keyName(node))) {
          return;
        }
        // The options of a typed error (`detail`: for the log only) are not shown to anyone.
        const owner = object.parent;
        if (owner.type === 'NewExpression' && /Error$/.test(calleeName(owner.callee) ?? '')) {
          return;
        }
        // Any other object literal in src/ with a UI field name is taken to be handed to VS Code.
        check(node.value);
      },
      AssignmentExpression(node) {
        if (
          node.left.type === 'MemberExpression' &&
          !node.left.computed &&
          node.left.property.type === 'Identifier' &&
          fields.has(node.left.property.name)
        ) {
          check(node.right);
        }
      },
    };
  },
};

export default { rules: { 'localized-text': localizedText } };
