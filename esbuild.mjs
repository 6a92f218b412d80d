// Bundles src/extension.ts into dist/extension.js, and what activation does not need into files of
// their own beside it: packages loaded on first use, and the test-only code (src/testing/) that
// only ExtensionMode.Test loads. Type-checking is separate (`npm run check-types`).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the form VS Code's problem matchers understand. */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) {
          // esbuild counts columns from 0 (lines from 1); VS Code's problem matchers count both from 1.
          console.error(`    ${location.file}:${location.line}:${location.column + 1}:`);
        }
      }
      console.log('[watch] build finished');
    });
  },
};

/**
 * Packages the entry bundle loads on first use, each bundled into `dist/<name>.mjs` beside it.
 * src/ imports them only with `await import()` (node-fetch: src/node/fetch.ts); in the entry
 * bundle that import stays a real dynamic import of the file beside it, run when first awaited, so
 * activation neither reads nor compiles them (node-fetch alone pulls in about 70 ms of Node's
 * modules). They are ES modules (node-fetch
 * is one), so `import()` hands back their own default export.
 */
const LAZY = ['node-fetch'];

/** In the entry bundle, a lazy package is the file beside it, not bundled in. */
const lazyPackagesPlugin = {
  name: 'lazy-packages',
  setup(build) {
    const filter = new RegExp(`^(${LAZY.join('|')})$`);
    build.onResolve({ filter }, (args) =>
      args.kind === 'dynamic-import' ? { path: `./${args.path}.mjs`, external: true } : undefined,
    );
  },
};

/**
 * The test-only code, `require('./testing.js')` in src/extension.ts: bundled on its own into
 * dist/testing.js (which .vscodeignore leaves out of the .vsix), never into the entry bundle, so
 * production neither ships nor loads it.
 */
const testBundlePlugin = {
  name: 'test-bundle',
  setup(build) {
    build.onResolve({ filter: /^\.\/testing\.js$/ }, () => ({ path: './testing.js', external: true }));
  },
};

/**
 * One namespace object for the `vscode` module in the whole bundle. Every `import * as vscode from
 * 'vscode'` of an external module in a CommonJS bundle otherwise gets its own copy of the API's
 * namespace (esbuild's `__toESM`: a getter per export, about 350 of them, at each of the ~20 import
 * sites), made while the bundle loads. Here the imports share one module that re-exports `vscode`,
 * so the copy is made once: evaluating the bundle in code-server's extension host takes 4–5 ms
 * instead of 11–36 ms.
 */
const vscodeOncePlugin = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-once'
        ? { path: 'vscode', external: true }
        : { path: 'vscode', namespace: 'vscode-once' },
    );
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({
      contents: "export * from 'vscode';",
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  outdir: 'dist',
  // node-fetch's fetch-blob falls back to web-streams-polyfill only where globalThis.ReadableStream
  // is missing; every extension host VS Code ^1.138 runs on (Node 20+) has it, so the 59 KB
  // polyfill would be dead weight in the bundle.
  external: ['vscode', 'web-streams-polyfill/*'],
  // oauth4webapi reads `navigator.userAgent` at load to decide whether to send its own User-Agent.
  // In Node 21+ `navigator` is a global, and the extension host warns on any read of it
  // ("PendingMigrationError: navigator is now a global in nodejs"). Node is never a browser here,
  // so the answer is known at build time: no read happens at run time.
  define: { navigator: 'undefined' },
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  metafile: production,
  logLevel: watch ? 'silent' : 'warning',
};

const contexts = await Promise.all([
  esbuild.context({
    ...common,
    entryPoints: { extension: 'src/extension.ts', testing: 'src/testing/index.ts' },
    format: 'cjs',
    plugins: watch
      ? [vscodeOncePlugin, lazyPackagesPlugin, testBundlePlugin, problemMatcherPlugin]
      : [vscodeOncePlugin, lazyPackagesPlugin, testBundlePlugin],
  }),
  esbuild.context({
    ...common,
    entryPoints: Object.fromEntries(LAZY.map((name) => [name, name])),
    format: 'esm',
    outExtension: { '.js': '.mjs' },
  }),
]);

if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  const results = await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
  if (results.some((result) => result.errors.length)) {
    process.exit(1);
  }
  if (production) {
    for (const result of results) {
      for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) {
        if (!file.endsWith('.map')) {
          const when =
            file === 'dist/extension.js'
              ? 'loaded at activation'
              : file === 'dist/testing.js'
                ? 'only in ExtensionMode.Test, not in the .vsix'
                : 'loaded on first use';
          console.log(`${file}: ${(bytes / 1024).toFixed(1)} KB (production, ${when})`);
        }
      }
    }
  }
}
