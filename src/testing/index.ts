/**
 * The test bundle's entry (esbuild.mjs builds it into dist/testing.js, left out of the .vsix):
 * extension.ts loads it only in ExtensionMode.Test.
 */
import type { TestSeam } from '../workbench/testSeam';
import { SwappableInteraction } from './swappableInteraction';
import { createTestApi, ShownErrorRecord } from './testApi';

export function testSeam(): TestSeam {
  const shownErrors = new ShownErrorRecord();
  let interaction: SwappableInteraction | undefined;
  return {
    shownErrors,
    interaction: (real) => (interaction = new SwappableInteraction(real)),
    api: (parts) => createTestApi({ ...parts, interaction: interaction!, shownErrors }),
  };
}
