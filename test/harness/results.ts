import * as fs from 'node:fs';
import * as path from 'node:path';
import { outputDir } from './paths';

/** What a layer reports to `npm test`'s summary. */
export interface LayerResult {
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
}

/** The line the in-host runner prints when mocha finishes; the harness parses it. */
export const RESULT_MARKER = 'GITSHARE-TEST-RESULT ';
/** Printed by the in-host runner before mocha starts; what comes before is the workbench's own chatter. */
export const BEGIN_MARKER = 'GITSHARE-TEST-BEGIN';

export function writeLayerResult(layer: string, result: LayerResult): void {
  fs.mkdirSync(outputDir, { recursive: true });
  fs.writeFileSync(path.join(outputDir, `${layer}-result.json`), JSON.stringify(result));
}

export function readLayerResult(layer: string): LayerResult | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(outputDir, `${layer}-result.json`), 'utf8')) as LayerResult;
  } catch {
    return undefined;
  }
}

export function clearLayerResult(layer: string): void {
  fs.rmSync(path.join(outputDir, `${layer}-result.json`), { force: true });
}
