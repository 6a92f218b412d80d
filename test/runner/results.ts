import * as fs from 'node:fs';
import * as path from 'node:path';
import type Mocha from 'mocha';
import { outputDir, repoRoot } from '../support/paths';

/** What a layer's mocha run reports: the counts, and what was planned and skipped. */
export interface LayerResult {
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  /** Tests mocha planned to run (after GITSHARE_TEST_GREP). */
  readonly total: number;
  /** Full titles of the pending (skipped) tests. */
  readonly pendingTitles: readonly string[];
  /** Test files mocha loaded. */
  readonly files: number;
  /** GITSHARE_TEST_GREP when it was set. */
  readonly grep?: string;
}

/** What `npm test`'s summary reads: the run, and why the runner failed the layer (empty when it passed). */
export interface LayerVerdict extends LayerResult {
  readonly problems: readonly string[];
}

/** The line the in-host runner prints when mocha finishes; the runner parses it. */
export const RESULT_MARKER = 'GITSHARE-TEST-RESULT ';
/** Printed by the in-host runner, with the reason, when it cannot run the tests at all. */
export const SETUP_FAILED_MARKER = 'GITSHARE-TEST-SETUP-FAILED ';
/** Printed by the in-host runner before mocha starts; what comes before is the workbench's own chatter. */
export const BEGIN_MARKER = 'GITSHARE-TEST-BEGIN';

/** Skipped tests that do not fail their layer: `{ "full title": "reason" }`. Empty unless truly needed. */
export const allowedPendingFile = path.join(repoRoot, 'test', 'runner', 'allowedPending.json');

export function readAllowedPending(file = allowedPendingFile): Record<string, string> {
  const allowed = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const [title, reason] of Object.entries(allowed)) {
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new Error(`${path.relative(repoRoot, file)}: "${title}" needs a reason`);
    }
  }
  return allowed as Record<string, string>;
}

/** Collects what LayerResult needs while mocha runs; `result()` once it has finished. */
export function recordRun(runner: Mocha.Runner, files: number): { result(): LayerResult } {
  const pendingTitles: string[] = [];
  runner.on('pending', (test) => pendingTitles.push(test.fullTitle()));
  const grep = process.env.GITSHARE_TEST_GREP || undefined;
  return {
    result: () => ({
      passes: runner.stats?.passes ?? 0,
      failures: runner.stats?.failures ?? 0,
      pending: runner.stats?.pending ?? 0,
      total: runner.total,
      pendingTitles,
      files,
      ...(grep ? { grep } : {}),
    }),
  };
}

/**
 * Why a layer fails, beyond failed tests: a layer passes only when every test it planned ran and
 * passed, save the skips named in allowedPending.json; a layer that planned no test, or loaded
 * fewer test files than there are, ran hollow.
 */
export function judgeLayer(
  result: LayerResult,
  expectedFiles: number,
  allowed: Record<string, string> = readAllowedPending(),
): string[] {
  const problems: string[] = [];
  if (result.failures > 0) {
    problems.push(`${result.failures} failed`);
  }
  if (result.files !== expectedFiles) {
    problems.push(`loaded ${result.files} of ${expectedFiles} test files`);
  }
  if (result.total === 0) {
    problems.push(result.grep ? `no test matches GITSHARE_TEST_GREP=${result.grep}` : 'no test ran');
  }
  const notAllowed = result.pendingTitles.filter((title) => !(title in allowed));
  if (notAllowed.length > 0) {
    problems.push(
      `${notAllowed.length} skipped (pending) test(s) not in ${path.relative(repoRoot, allowedPendingFile)}:\n` +
        notAllowed.map((title) => `    - ${title}`).join('\n'),
    );
  }
  const ran = result.passes + result.failures + result.pendingTitles.length;
  // A failed hook already fails the layer and explains the tests after it; otherwise every planned test must have run.
  if (result.failures === 0 && ran < result.total) {
    problems.push(`${result.total - ran} of ${result.total} planned tests did not run`);
  }
  return problems;
}

/** Judges, records for the summary, prints; returns the layer's exit code. */
export function finishLayer(layer: string, result: LayerResult, expectedFiles: number): number {
  const problems = judgeLayer(result, expectedFiles);
  writeLayerResult(layer, { ...result, problems });
  const filtered = result.grep ? ` (only tests matching GITSHARE_TEST_GREP=${result.grep})` : '';
  console.log(
    `${layer}: ${result.passes} passed, ${result.failures} failed, ${result.pending} pending of ${result.total}${filtered}`,
  );
  for (const problem of problems.filter((p) => p !== `${result.failures} failed`)) {
    console.error(`${layer} FAILED: ${problem}`);
  }
  return problems.length === 0 ? 0 : 1;
}

export function writeLayerResult(layer: string, result: LayerVerdict): void {
  fs.mkdirSync(outputDir, { recursive: true });
  fs.writeFileSync(path.join(outputDir, `${layer}-result.json`), JSON.stringify(result));
}

export function readLayerResult(layer: string): LayerVerdict | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(outputDir, `${layer}-result.json`), 'utf8')) as LayerVerdict;
  } catch {
    return undefined;
  }
}

export function clearLayerResult(layer: string): void {
  fs.rmSync(path.join(outputDir, `${layer}-result.json`), { force: true });
}
