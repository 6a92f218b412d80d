// Bundles src/extension.ts into dist/extension.js. Type-checking is separate (`npm run check-types`).
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
          console.error(`    ${location.file}:${location.line}:${location.column}:`);
        }
      }
      console.log('[watch] build finished');
    });
  },
};

const context = await esbuild.context({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outfile: 'dist/extension.js',
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
  plugins: watch ? [problemMatcherPlugin] : [],
});

if (watch) {
  await context.watch();
} else {
  const result = await context.rebuild();
  await context.dispose();
  if (result.errors.length) {
    process.exit(1);
  }
  if (production && result.metafile) {
    const bytes = result.metafile.outputs['dist/extension.js'].bytes;
    console.log(`dist/extension.js: ${(bytes / 1024).toFixed(1)} KB (production)`);
  }
}
