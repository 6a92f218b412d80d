import * as path from 'node:path';

/** The repository root, from out/test/support/ or test/support/. */
export const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../..' : '../..');

/** Ignored folder for the cached VS Code (code-server) and Node 24. */
export const cacheDir = path.join(repoRoot, '.cache');

/** Ignored folder for screenshots, logs and result files of test runs. */
export const outputDir = path.join(repoRoot, '.test-output');
