// Bundles src/extension.ts into dist/extension.js (package.json `main`, VS Code's Node extension
// host), and what activation does not need into files of their own beside it: packages loaded on
// first use, and the test-only code (src/testing/) that only ExtensionMode.Test loads.
// src/extension.browser.ts becomes dist/browser.js (`browser`, the web worker extension host): one
// file, no Node module in it. Type-checking is separate (`npm run check-types`).
import * as esbuild from 'esbuild';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

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

const NODE_BUILTINS = new Set(builtinModules);

/**
 * The browser bundle runs in VS Code's web worker extension host, which has no Node modules: an
 * import of one (node:fs, http, stream, …, or node-fetch) fails the build, naming who imported it,
 * instead of failing in the browser at run time. (Lint keeps them out of src/ as well; this also
 * catches a package that pulls one in.)
 */
export const noNodeModulesPlugin = {
  name: 'no-node-modules',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      const isNode =
        args.path.startsWith('node:') ||
        NODE_BUILTINS.has(name) ||
        NODE_BUILTINS.has(name.split('/')[0]) ||
        /^node-fetch(\/|$)/.test(args.path);
      if (!isNode) {
        return undefined;
      }
      const importer = args.importer ? path.relative(process.cwd(), args.importer) : '(entry)';
      return {
        errors: [
          {
            text: `${importer} imports ${args.path}, a Node module: the browser bundle runs in VS Code's web worker extension host, which has none. Use a web API or the host's adapter (src/browser/).`,
          },
        ],
      };
    });
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

/** The web worker host's bundle: one file, browser platform, `vscode` the only thing outside it. */
export function browserOptions(entry = 'src/extension.browser.ts') {
  return {
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    outdir: 'dist',
    entryPoints: { browser: entry },
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    metafile: production,
    logLevel: watch ? 'silent' : 'warning',
    plugins: [vscodeOncePlugin, noNodeModulesPlugin],
  };
}

async function main() {
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
    esbuild.context(
      watch ? { ...browserOptions(), plugins: [...browserOptions().plugins, problemMatcherPlugin] } : browserOptions(),
    ),
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
                ? 'loaded at activation in the Node extension host'
                : file === 'dist/browser.js'
                  ? 'loaded at activation in the web worker extension host'
                  : file === 'dist/testing.js'
                    ? 'only in ExtensionMode.Test, not in the .vsix'
                    : 'loaded on first use';
            console.log(`${file}: ${(bytes / 1024).toFixed(1)} KB (production, ${when})`);
          }
        }
      }
    }
  }
}

// Run as a script (`node esbuild.mjs`); imported, it only lends its options (the unit tests).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
