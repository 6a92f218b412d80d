/**
 * Text from the server or the disk (file names, server messages, user names)
 * shown by VS Code. VS Code reads some of its text as more than text:
 * - notification messages, progress messages and input-box prompts turn
 *   `[label](command:…)`, `[label](https://…)` and `[label](file:…)` into links
 *   (the workbench's `parseLinkedText`), and a click runs the command;
 * - quick-pick labels, descriptions and details turn `$(name)` into an icon.
 * These helpers make such text read literally, and look the same.
 * Markdown (tooltips) is built with `MarkdownString.appendText` instead.
 */

/** U+200B ZERO WIDTH SPACE: invisible, and it breaks the `](` a link needs. */
const BREAK = '\u200b';

/**
 * For a notification, a progress message or an input-box prompt: no part of
 * the text can become a link. A link needs `]` directly followed by `(`; a
 * zero-width space between them keeps every character on screen as it was.
 */
export function notificationText(text: string): string {
  return text.replace(/\]\(/g, `]${BREAK}(`);
}

/** The workbench's icon syntax (`renderLabelWithIcons`), with an optional backslash before it. */
const ICON = /\\?\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g;

/**
 * For a quick-pick label, description or detail: `$(name)` stays text instead
 * of becoming an icon. The workbench shows `\$(name)` as a literal `$(name)`,
 * and `\\$(name)` as `\$(name)`, so one backslash before each match is enough.
 */
export function labelText(text: string): string {
  return text.replace(ICON, (match) => `\\${match}`);
}
