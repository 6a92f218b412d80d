/** Notifications: the toasts in the corner and the notification center. */
import type { Page } from 'playwright-core';
import { eventually } from '../../support/wait';
import { runCommand } from './quickInput';

/**
 * Waits for a notification whose text matches: as a toast, or, when the toast has
 * already hidden itself, in the notification center, which is opened once (as a
 * person would, from the palette) and closed again, so later notifications show
 * as toasts.
 */
export async function waitForNotification(page: Page, text: RegExp, timeoutMs = 60_000): Promise<void> {
  const toast = page.locator('.notifications-toasts').getByText(text).first();
  const center = page.locator('.notifications-center');
  const listed = center.getByText(text).first();
  let opened = false;
  try {
    await eventually(
      async () => {
        if ((await toast.isVisible()) || (await listed.isVisible())) {
          return true;
        }
        // A toast hides itself after a while; the center keeps every notification.
        if (!opened && !(await page.locator('.notification-toast').count())) {
          opened = true;
          await runCommand(page, 'Notifications: Show Notifications').catch(() => undefined);
        }
        return false;
      },
      `a notification ${text}`,
      timeoutMs,
    );
  } finally {
    if (opened) {
      await runCommand(page, 'Notifications: Hide Notifications').catch(() => page.keyboard.press('Escape'));
    }
  }
}

/** Closes every notification toast (they can cover the tree), through the command a person would use. */
export async function clearNotifications(page: Page): Promise<void> {
  if ((await page.locator('.notification-toast').count()) === 0) {
    return;
  }
  await runCommand(page, 'Notifications: Clear All Notifications');
  await eventually(
    async () => (await page.locator('.notification-toast').count()) === 0,
    'the notifications to close',
    10_000,
  );
}
