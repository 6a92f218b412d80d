/**
 * Text from the server or the disk (file names, server messages, user names)
 * shown by VS Code. VS Code reads some of its text as more than text:
 * - notification messages, progress messages and input-box prompts turn
 *   `[label](command:…)`, `[label](https://…)` and `[label](file:…)` into links
 *   (the workbench's `parseLinkedText`), and a click runs the command;
 * - quick-pick labels, descriptions and details turn `$(name)` into an icon;
 * - everywhere, control characters and bidi controls act unseen: U+202E
 *   (right-to-left override) makes `invoice\u202Efdp.exe` read "invoiceexe.pdf".
 * These helpers make such text read literally, and show what it holds.
 * Markdown (tooltips) is built with `MarkdownString.appendText` (of `visibleText`) instead.
 */

/** U+200B ZERO WIDTH SPACE: invisible, and it breaks the `](` a link needs. */
const BREAK = '\u200b';

/**
 * Characters that are not seen but change what is: C0 and C1 controls, DEL, the bidi
 * embeddings, overrides, isolates and marks (U+061C, U+200E, U+200F, U+202A–U+202E,
 * U+2066–U+2069), the line and paragraph separators and the byte order mark.
 */
// eslint-disable-next-line no-control-regex
const UNSEEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * For any text a person reads (a tree label, a tooltip, a dialog): every unseen character shown,
 * the way VS Code's editor shows them (`editor.renderControlCharacters`): a C0 control as its
 * Control Picture (U+0000 as ␀, a tab as ␉), DEL as ␡, the others as `[U+202E]`.
 */
export function visibleText(text: string): string {
  return text.replace(UNSEEN, (char) => {
    const code = char.charCodeAt(0);
    if (code < 0x20) {
      return String.fromCharCode(0x2400 + code);
    }
    if (code === 0x7f) {
      return '\u2421';
    }
    return `[U+${code.toString(16).toUpperCase().padStart(4, '0')}]`;
  });
}

/**
 * For a notification, a progress message or an input-box prompt: no part of
 * the text can become a link, and no character acts unseen (`visibleText`). A
 * link needs `]` directly followed by `(`; a zero-width space between them
 * keeps every character on screen as it was.
 */
export function notificationText(text: string): string {
  return visibleText(text).replace(/\]\(/g, `]${BREAK}(`);
}

/** The workbench's icon syntax (`renderLabelWithIcons`), with an optional backslash before it. */
const ICON = /\\?\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g;

/**
 * For a quick-pick label, description or detail: `$(name)` stays text instead
 * of becoming an icon, and no character acts unseen (`visibleText`). The
 * workbench shows `\$(name)` as a literal `$(name)`, and `\\$(name)` as
 * `\$(name)`, so one backslash before each match is enough.
 */
export function labelText(text: string): string {
  return visibleText(text).replace(ICON, (match) => `\\${match}`);
}
