/**
 * The checks for changes made elsewhere follow the window: every
 * `gitshare.watch.interval` seconds (0 = off; a change of the setting applies at
 * once), backing off while the window is in the background and running at once
 * when it comes back (see poller.ts). The open files' watcher and the Files
 * view's freshness share this.
 */

import * as vscode from 'vscode';
import { SETTINGS_SECTION, Settings } from '../common/constants';
import type { DisposableLike } from '../common/lifecycle';
import { Poller, PollSchedule } from '../common/poller';

const DEFAULT_INTERVAL_SECONDS = 10;

/** The interval setting in milliseconds (0 = off). */
export function watchIntervalMs(): number {
  const seconds = vscode.workspace
    .getConfiguration(SETTINGS_SECTION)
    .get<number>(Settings.watchInterval, DEFAULT_INTERVAL_SECONDS);
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/**
 * A Poller for `round` that follows the setting and the window's focus; the poller
 * and its listeners go to `register`. It starts when the caller calls `start()`.
 */
export function createWindowPoller(
  round: () => Promise<boolean>,
  register: <T extends DisposableLike>(disposable: T) => T,
): Poller {
  const poller = register(new Poller(new PollSchedule(watchIntervalMs()), round));
  poller.setFocused(vscode.window.state.focused);
  register(vscode.window.onDidChangeWindowState((state) => poller.setFocused(state.focused)));
  register(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SETTINGS_SECTION}.${Settings.watchInterval}`)) {
        poller.schedule.setInterval(watchIntervalMs());
        poller.start();
      }
    }),
  );
  return poller;
}
