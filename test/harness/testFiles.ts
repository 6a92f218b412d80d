import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every compiled test file (`*.test.js`) below `dir`, in a stable order. */
export function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .sort()
    .map((file) => path.join(dir, file));
}
