/** Text helpers the test layers share. */

/** Escapes text for a RegExp, to match it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
