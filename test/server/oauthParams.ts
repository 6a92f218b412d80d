/** Parameter rules the OAuth endpoints share. */

/** A space-separated scope (or `prompt`) value as a list; empty parts dropped. */
export function parseScope(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((s) => s.length > 0);
}

/** RFC 6749 §3.1: a parameter must not appear twice. */
export function firstRepeated(params: Record<string, unknown> | undefined): string | undefined {
  return Object.entries(params ?? {}).find(
    ([, value]) => Array.isArray(value) || (typeof value === 'object' && value !== null),
  )?.[0];
}
