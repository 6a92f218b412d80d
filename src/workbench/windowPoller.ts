/**
 * The checks for changes made elsewhere follow the window: every
 * `gitshare.watch.interval` seconds (0 = off; a change of the setting applies at
 * once), backing off while the window is in the background and running at once
 * when it comes back (see poller.ts). The open files' watcher and the Files
 * view's freshness share this.
 */

import * as vscode from 'vscode';
import type { DisposableLike } from '../common/lifecycle';
import { Poller, PollSchedule } from '../common/poller';
import { Settings } from '../common/constants';
import { settings } from './settings';

/**
 * A Poller for `round` that follows the setting and the window's focus; the poller
 * and its listeners go to `register`. It starts when the caller calls `start()`.
 */
export function createWindowPoller(
  round: () => Promise<boolean>,
  register: <T extends DisposableLike>(disposable: T) => T,
): Poller {
  const poller = register(new Poller(new PollSchedule(settings.watchIntervalMs()), round));
  poller.setFocused(vscode.window.state.focused);
  register(vscode.window.onDidChangeWindowState((state) => poller.setFocused(state.focused)));
  register(
    settings.onDidChange(Settings.watchInterval, () => {
      poller.schedule.setInterval(settings.watchIntervalMs());
      poller.start();
    }),
  );
  return poller;
}
