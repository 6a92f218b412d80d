/** The Settings editor and the user's settings file behind it. */
import * as fs from 'node:fs';
import type { Page } from 'playwright-core';
import { eventually } from '../../support/wait';
import { env } from '../environment';
import { runCommand } from './quickInput';

/**
 * Preferences: Open User Settings, and the setting `key` searched for as a person does: the
 * search box cleared, the id typed, until the setting's row shows. Returns the row.
 */
export async function findUserSetting(page: Page, key: string) {
  await runCommand(page, 'Preferences: Open User Settings');
  const editor = page.locator('.settings-editor').first();
  await editor.locator('.settings-header').first().waitFor({ timeout: 30_000 });
  const row = editor.locator(`[data-key="${key}"]`).first();
  await eventually(
    async () => {
      await editor.locator('.settings-header .suggest-input-container').first().click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Backspace');
      await page.keyboard.type(key);
      return row.waitFor({ timeout: 10_000 }).then(
        () => true,
        () => false,
      );
    },
    `${key} in the Settings editor`,
    60_000,
  );
  return row;
}

/**
 * Sets a user setting in the Settings editor, as a person does (search, type the value, leave
 * the box), waits until the user's settings file holds it (the editor writes after a short delay,
 * and closing it sooner drops the value), and closes the editor. A value equal to the default
 * leaves the key out of the file, so '' counts as written once the key is absent.
 */
export async function setUserSetting(
  page: Page,
  key: string,
  value: string,
  settingsFile = env().settingsFile,
): Promise<void> {
  const row = await findUserSetting(page, key);
  const written = () => {
    try {
      const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
      return String(settings[key] ?? '') === value;
    } catch {
      return false; // being written
    }
  };
  try {
    if (written()) {
      return;
    }
    const input = row.locator('input').first();
    await input.fill(value);
    await input.press('Tab');
    await eventually(written, `${key} = ${JSON.stringify(value)} in the user settings`).catch((error: Error) => {
      throw new Error(`${error.message}; settings.json holds:\n${fs.readFileSync(settingsFile, 'utf8')}`);
    });
  } finally {
    await closeSettingsEditor(page);
  }
}

/**
 * VS Code 1.139 opens the Settings editor (and settings.json) as a modal over the workbench: closes it with its close
 * button (Escape when none shows), as a person would, and waits until it is gone. Ctrl+W does not
 * always close it, and a Settings editor left open keeps its search text for the next search.
 *
 * Now and then, under load, VS Code still holds the floating settings.json as changed after it was saved and asks
 * "Do you want to save the changes you made to settings.json?" when it closes (logged by the first version of the
 * fallback below: the dialog was up, the file on disk as written). Every caller closes only after what it wrote
 * is on disk, so the answer is Don't Save. Anything else that keeps the editor open for 30 s gets what a person
 * does with a stuck window, once: a reload, with what the window showed in the log.
 */
export async function closeSettingsEditor(page: Page): Promise<void> {
  const modal = page.locator('.monaco-modal-editor-block').first();
  const editor = page.locator('.settings-editor').first();
  const open = async () =>
    (await modal.isVisible().catch(() => false)) || (await editor.isVisible().catch(() => false));
  const closed = await eventually(
    async () => {
      if (!(await open())) {
        return true;
      }
      // VS Code asking to save settings.json: every caller closes only after what it wrote is on
      // disk, so what the editor holds beyond that is not the person's to keep.
      const dontSave = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Don't Save$/ }).first();
      const close = page
        .locator('.monaco-modal-editor-block .codicon-close, .monaco-modal-editor-block [aria-label^="Close"]')
        .first();
      if (await dontSave.isVisible().catch(() => false)) {
        console.log("      (VS Code asked to save settings.json after it was saved: Don't Save)");
        await dontSave.click({ timeout: 10_000 }).catch(() => undefined);
      } else if (await close.isVisible().catch(() => false)) {
        await close.click({ timeout: 10_000 }).catch(() => undefined);
      } else {
        await page.keyboard.press('Escape');
      }
      await eventually(async () => !(await open()), 'the Settings editor to close', 5_000).catch(() => undefined);
      return !(await open());
    },
    'the Settings editor to close',
    30_000,
  ).then(
    () => true,
    () => false,
  );
  if (closed) {
    return;
  }
  console.log(`      (the Settings editor would not close; reloading the window once) ${await modalState(page)}`);
  await page.reload();
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
  await eventually(async () => !(await open()), 'the Settings editor to be gone after a reload', 30_000);
}

/** What the window shows around a modal editor: for the log of a modal that will not close. */
async function modalState(page: Page): Promise<string> {
  return page
    .evaluate(() => {
      const doc = (
        globalThis as unknown as {
          document: {
            querySelectorAll(s: string): ArrayLike<{ textContent: string | null; className: string }>;
            activeElement: { className: string } | null;
          };
        }
      ).document;
      const texts = (selector: string) =>
        Array.from(doc.querySelectorAll(selector)).map((e) => (e.textContent ?? '').trim().slice(0, 80));
      return JSON.stringify({
        modals: doc.querySelectorAll('.monaco-modal-editor-block').length,
        modalTitles: texts('.monaco-modal-editor-block .modal-editor-title'),
        dialogs: texts('.monaco-dialog-box'),
        notifications: texts('.notification-toast'),
        focused: doc.activeElement?.className.slice(0, 80) ?? null,
      });
    })
    .catch((error: Error) => `(no state: ${error.message})`);
}

/**
 * Turns Auto Save off with **File: Toggle Auto Save**, as a person does, and checks in the
 * Settings editor that it is off (the toggle flips whatever the current value is).
 */
export async function turnOffAutoSave(page: Page): Promise<void> {
  const current = async (): Promise<string> => {
    const row = await findUserSetting(page, 'files.autoSave');
    const select = row.locator('select').first();
    await select.waitFor({ timeout: 30_000 });
    const value = await select.inputValue();
    await closeSettingsEditor(page);
    return value;
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if ((await current()) === 'off') {
      return;
    }
    await runCommand(page, 'File: Toggle Auto Save');
    await eventually(async () => (await current()) === 'off', 'Auto Save off', 10_000).catch(() => undefined);
  }
  throw new Error('Auto Save could not be turned off');
}
