/**
 * ESLint rule `gitshare/localized-text`: text a person reads goes through `vscode.l10n.t` (or
 * `l10n.t` of `@vscode/l10n` in the vscode-free modules), never as a literal, so the UI follows
 * the user's display language. It looks where VS Code shows our text: the arguments of
 * `window.show*Message`, `setStatusBarMessage` and `FileSystemError.NoPermissions(…)` and kin, the label of a `new TreeItem`, the message of a
 * `new …Error`, and the UI fields of objects and assignments (`title`, `placeHolder`, `prompt`,
 * `tooltip`, `label`, `description`, `detail`, `message`, `validationMessage`, `openLabel`,
 * `saveLabel`, …). Inside such a place, a string or template literal with words in it, also in a
 * `?:`, `||`, `??` or `+`, is reported; a call (`l10n.t(…)`, or a helper that returns text) or a
 * variable is not followed. Text that is not prose (`''`, `'/'`, `'$(sync~spin)'`) passes.
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
  // ErrorHandler.wrap(action, …): the action opens the error message ("Upload: …").
  'wrap',
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

/** The literals with words in them that `node` evaluates to, without following calls or variables. */
function literalsIn(node, found = []) {
  switch (node.type) {
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
      literalsIn(node.consequent, found);
      literalsIn(node.alternate, found);
      break;
    case 'LogicalExpression':
      literalsIn(node.left, found);
      literalsIn(node.right, found);
      break;
    case 'BinaryExpression':
      if (node.operator === '+') {
        literalsIn(node.left, found);
        literalsIn(node.right, found);
      }
      break;
    case 'ArrayExpression':
      node.elements.forEach((element) => element && literalsIn(element, found));
      break;
    case 'TSAsExpression':
    case 'TSNonNullExpression':
    case 'TSSatisfiesExpression':
      literalsIn(node.expression, found);
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
    schema: [],
  },
  create(context) {
    const report = (nodes) => nodes.forEach((node) => context.report({ node, messageId: 'literal' }));
    return {
      CallExpression(node) {
        const name = calleeName(node.callee);
        if (name && MESSAGE_CALLS.has(name)) {
          node.arguments.forEach((argument) => report(literalsIn(argument)));
        }
      },
      NewExpression(node) {
        const name = calleeName(node.callee);
        if (!name) {
          return;
        }
        if (name === 'TreeItem' || name === 'MarkdownString') {
          if (node.arguments[0]) {
            report(literalsIn(node.arguments[0]));
          }
        } else if (name === 'GitShareError') {
          // (kind, message, options): the kind is an id; options.detail goes to the log only.
          if (node.arguments[1]) {
            report(literalsIn(node.arguments[1]));
          }
        } else if (/Error$/.test(name) && node.arguments[0]) {
          // A one-word argument is an id (RegistrationRefusedError('refused')); a message has words.
          report(
            literalsIn(node.arguments[0]).filter((literal) =>
              /\s/.test(
                literal.type === 'Literal' ? literal.value : literal.quasis.map((q) => q.value.cooked).join(' '),
              ),
            ),
          );
        }
      },
      Property(node) {
        const object = node.parent;
        if (object.type !== 'ObjectExpression' || !UI_FIELDS.has(keyName(node))) {
          return;
        }
        // The options of a typed error (`detail`: for the log only) are not shown to anyone.
        const owner = object.parent;
        if (owner.type === 'NewExpression' && /Error$/.test(calleeName(owner.callee) ?? '')) {
          return;
        }
        // Any other object literal in src/ with a UI field name is taken to be handed to VS Code.
        report(literalsIn(node.value));
      },
      AssignmentExpression(node) {
        if (
          node.left.type === 'MemberExpression' &&
          !node.left.computed &&
          node.left.property.type === 'Identifier' &&
          UI_FIELDS.has(node.left.property.name)
        ) {
          report(literalsIn(node.right));
        }
      },
    };
  },
};

export default { rules: { 'localized-text': localizedText } };
