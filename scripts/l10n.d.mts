// Types of l10n.mjs for the TypeScript scripts and tests.
export type Bundle = Record<string, string | { message: string; comment: string[] }>;
export function bundleFromSources(root?: string): Promise<Bundle>;
export function problems(root?: string): Promise<string[]>;
export function pseudoLocalize(
  extensionDir: string,
  language?: string,
): Promise<{ nls: Record<string, string>; bundle: Record<string, string> }>;
