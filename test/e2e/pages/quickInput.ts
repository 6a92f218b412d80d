/**
 * The quick input at the top of the workbench in its guises: the command palette, quick picks
 * (GitShare's remote picker), input boxes (Rename…, New File…) and code-server's simple file dialog.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { escapeRegExp } from '../../support/text';
import { eventually } from '../../support/wait';

/** Runs a command through the command palette, as a person would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  // Choose the row named exactly `title` (the palette may rank a longer title first), by its accessible name.
  const row = page
    .locator('.quick-input-widget')
    .getByRole('option', { name: new RegExp(`^${escapeRegExp(title)}(,|$)`) })
    .first();
  // In a window still starting, a command can be missing from the palette for a while (its part of
  // the workbench not loaded yet): a person closes the palette and types the command again.
  await eventually(
    async () => {
      await page.keyboard.press('F1');
      await input.waitFor();
      await input.fill(`>${title}`);
      const shown = await row.waitFor({ timeout: 15_000 }).then(
        () => true,
        () => false,
      );
      if (!shown) {
        await page.keyboard.press('Escape');
      }
      return shown;
    },
    `the palette to offer ${title}`,
    60_000,
  );
  await row.click();
}

/** The names of the commands the palette offers for `query` (e.g. "GitShare:"). */
export async function paletteCommands(page: Page, query: string): Promise<string[]> {
  await page.keyboard.press('F1');
  const input = quickInput(page);
  await input.waitFor();
  await input.fill(`>${query}`);
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout: 30_000 });
  // The list is filtered as the text arrives: read it once two looks agree.
  let previous = '';
  const names = await eventually(
    async () => {
      const now = await rows.evaluateAll((all) =>
        all.map((row) => (row.getAttribute('aria-label') ?? '').split(', ')[0]!.trim()),
      );
      const key = JSON.stringify(now);
      const stable = key === previous;
      previous = key;
      return stable && now;
    },
    'the palette list to settle',
    10_000,
  );
  await page.keyboard.press('Escape');
  return names;
}

/** The quick input's text box (input boxes, quick picks and the simple file dialog). */
export function quickInput(page: Page) {
  return page.locator('.quick-input-widget input.input').first();
}

/** A row of the open quick pick, by its accessible name (rows are reused; inner text can be stale). */
export function quickPickRow(page: Page, name: string | RegExp) {
  return page.locator('.quick-input-widget').getByRole('option', { name }).first();
}

/** A quick-pick row whose label (icons aside) is `label`, and whose description matches `description` when given. */
export function quickPickRowNamed(page: Page, label: string, description?: RegExp) {
  let row = page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) });
  if (description) {
    row = row.filter({ has: page.locator('.label-description', { hasText: description }) });
  }
  return row.first();
}

/**
 * Walks GitShare's remote picker (Upload…, Download…, Upload to GitShare…) the
 * way a person clicks through it: each name in turn, waiting for the next
 * level to list it; then `finalRow` (a name or "Use this folder" / "Download
 * this folder") when given.
 */
export async function walkRemotePicker(page: Page, names: readonly string[], finalRow?: string): Promise<void> {
  for (const name of names) {
    const row = quickPickRowNamed(page, name);
    await row.waitFor({ timeout: 30_000 });
    await row.click();
  }
  if (finalRow) {
    // The picker shows where it is in the row's description: wait for the last folder before choosing it.
    const where = names.length ? `/${names.join('/')}` : '/';
    const row = quickPickRowNamed(page, finalRow, new RegExp(`:${escapeRegExp(where)}$`));
    await row.waitFor({ timeout: 30_000 });
    await row.click();
  }
}

/** Answers an input box (Rename…, New File…): waits for it, replaces its text, Enter, and waits for it to close. */
export async function answerInputBox(page: Page, value: string, prompt?: RegExp): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = quickInput(page);
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  if (prompt) {
    await widget.getByText(prompt).first().waitFor({ timeout: 30_000 });
  }
  await input.fill(value);
  await eventually(async () => (await input.inputValue()) === value, `the input box to show ${value}`, 10_000);
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: 30_000 });
}

/** The names the simple file dialog lists now ("..", "notes.md", "photos/" → "photos"). */
async function dialogNames(page: Page): Promise<string[]> {
  const labels = await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''));
  return labels.map((label) =>
    label
      .replace(/[\\/]$/, '')
      .split(/,\s/)[0]!
      .trim(),
  );
}

/**
 * Answers code-server's simple file dialog (a quick input) with a local path, as
 * a person types it, and accepts it with `okLabel`. Before accepting it waits
 * until the dialog shows what was typed: for a file, the file is the focused row;
 * for a folder, the list shows that folder's own entries. (Accepting earlier once
 * chose the workspace folder instead of the typed file.)
 */
export async function answerFileDialog(page: Page, target: string, okLabel: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = quickInput(page);
  const okButton = widget.locator('.monaco-button', { hasText: new RegExp(`^${escapeRegExp(okLabel)}$`) }).first();
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await okButton.waitFor({ timeout: 30_000 });
  // The dialog first lists its start folder; typing before that is done races its own update.
  await eventually(async () => (await dialogNames(page)).length > 0, 'the file dialog to list its start folder');
  const isFolder = fs.statSync(target).isDirectory();
  // A trailing separator makes the dialog go into the folder.
  const wanted = isFolder && !target.endsWith(path.sep) ? target + path.sep : target;
  const name = path.basename(target);
  // What the dialog lists once it shows the typed path: the folder's own entries, or the file's folder.
  // A dialog that chooses a folder (Download Here) lists only the sub-folders.
  const entries = fs.readdirSync(isFolder ? target : path.dirname(target), { withFileTypes: true });
  const listings = [
    JSON.stringify(['..', ...entries.map((entry) => entry.name)].sort()),
    JSON.stringify(['..', ...entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name)].sort()),
  ];
  const focused = widget.locator('.quick-input-list .monaco-list-row.focused');
  for (let attempt = 1; ; attempt++) {
    if (attempt > 4) {
      throw new Error(`The file dialog did not accept ${wanted}; it shows ${await input.inputValue()}`);
    }
    // The dialog rewrites its box as it lists folders; a fill can land in the middle of that
    // (seen: the typed path appended to the old one). Type again until the box holds exactly it.
    if ((await input.inputValue()) !== wanted) {
      await input.fill(wanted);
    }
    // Accept only when the dialog shows what was typed, with no other row chosen (a chosen
    // folder row, "..", would be opened instead of accepting the typed path).
    const ready = await eventually(
      async () => {
        if (
          (await input.inputValue()) !== wanted ||
          !listings.includes(JSON.stringify((await dialogNames(page)).sort()))
        ) {
          return false;
        }
        const chosen = (await focused.count()) ? await focused.first().getAttribute('aria-label') : null;
        return chosen === null || (!isFolder && chosen.split(/,\s/)[0]!.trim() === name);
      },
      `the file dialog to show ${wanted}`,
      10_000,
    ).catch(() => false);
    if (!ready) {
      continue;
    }
    // Enter keeps the focus in the box (a click on the button moves it, and the list may then choose "..").
    await page.keyboard.press('Enter');
    // Done when the dialog closes or the next question takes its place (it has no such button).
    const done = await eventually(
      async () => !(await widget.isVisible()) || !(await okButton.isVisible()),
      `the file dialog to accept ${wanted}`,
      15_000,
    ).catch(() => false);
    if (done) {
      return;
    }
  }
}
