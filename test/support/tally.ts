/**
 * A tally of the faults, bad inputs and secrets the reliability tests tried (the unit layer's
 * test/unit/reliability/ and the local server's hostile-request test), written to
 * `.test-output/reliability-unit.json` after the run, for the counts of docs/security.md.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { outputDir } from './paths';

interface Tally {
  faults: Record<string, number>;
  badInputs: Record<string, number>;
  secrets: Record<string, number>;
}

const tally: Tally = { faults: {}, badInputs: {}, secrets: {} };

/** Counts `n` things of a kind that were tried and survived (`area`: faults, bad inputs, secrets searched). */
export function count(area: keyof Tally, what: string, n = 1): void {
  tally[area][what] = (tally[area][what] ?? 0) + n;
}

after(function writeTally() {
  if (!Object.keys(tally.faults).length && !Object.keys(tally.badInputs).length && !Object.keys(tally.secrets).length) {
    return;
  }
  fs.mkdirSync(outputDir, { recursive: true });
  fs.writeFileSync(path.join(outputDir, 'reliability-unit.json'), JSON.stringify(tally, null, 2) + '\n');
});
