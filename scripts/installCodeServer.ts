/**
 * `npm test`'s step before the layers: code-server in .cache (installed on the first run only),
 * so the first run's download shows as a step of its own and no test's time limit includes it.
 */
import { CODE_SERVER_VERSION, ensureCodeServer } from '../test/support/codeServer';

ensureCodeServer().then(
  () => console.log(`code-server ${CODE_SERVER_VERSION} is installed.`),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
