/**
 * ESLint rule `gitshare/no-import-cycle`: no module of src/ reaches itself through its imports.
 * A circle of modules has no bottom: neither can be understood, tested or moved without the
 * other, and which one runs first is an accident of the bundle's order. Type-only imports count
 * too: the circle is in the design even when the bundle drops it. The way out is to move what both
 * need down into a module of its own (oauth/credentials.ts, say) or to hand it in.
 *
 * Each import of the linted file is followed through the files on disk (relative specifiers only;
 * packages cannot lead back into src/); when it leads back, the import is reported with the circle.
 * Imports are read with TypeScript's own pre-processor (`import`, `export … from`, `import()`,
 * `require()`, `import type`), cached by modification time for the lint run.
 *
 * Why our own and not eslint-plugin-import-x's no-cycle: that needs the plugin, a TypeScript
 * resolver and their native resolver binaries for a check this small; src/ uses only relative
 * specifiers, which need no resolver.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** file → { mtimeMs, imports: resolved files } */
const cache = new Map();

/** The .ts file a relative specifier names, or undefined (a package, or nothing there). */
function resolve(fromFile, specifier) {
  if (!specifier.startsWith('.')) {
    return undefined;
  }
  const base = path.resolve(path.dirname(fromFile), specifier.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) {
      return candidate;
    }
  }
  return undefined;
}

function importsOf(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) {
    return [];
  }
  const cached = cache.get(file);
  if (cached?.mtimeMs === stat.mtimeMs) {
    return cached.imports;
  }
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  const imports = [...new Set(importedFiles.map((f) => resolve(file, f.fileName)).filter(Boolean))];
  cache.set(file, { mtimeMs: stat.mtimeMs, imports });
  return imports;
}

/** The shortest chain of imports from `start` back to `goal` (both included), or undefined. */
function pathBack(start, goal) {
  const cameFrom = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length) {
    const file = queue.shift();
    for (const next of importsOf(file)) {
      if (next === goal) {
        const chain = [goal];
        for (let at = file; at !== undefined; at = cameFrom.get(at)) {
          chain.unshift(at);
        }
        return chain;
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, file);
        queue.push(next);
      }
    }
  }
  return undefined;
}

const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'No module reaches itself through its imports.' },
    schema: [],
    messages: {
      cycle: 'Import circle: {{chain}}. Move what both need into a module of its own below them, or hand it in.',
    },
  },
  create(context) {
    const file = path.resolve(context.filename);
    const root = path.resolve(context.cwd ?? process.cwd());
    const check = (node, source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') {
        return;
      }
      const target = resolve(file, source.value);
      const chain = target && (target === file ? [file, file] : pathBack(target, file));
      if (chain) {
        const shown = (target === file ? chain : [file, ...chain]).map((f) => path.relative(root, f));
        context.report({ node, messageId: 'cycle', data: { chain: shown.join(' → ') } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      TSImportType: (node) => check(node, node.argument?.literal ?? node.argument),
    };
  },
};

export default { rules: { 'no-import-cycle': noImportCycle } };
