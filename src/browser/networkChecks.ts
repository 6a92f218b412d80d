/**
 * Check Connection's steps below HTTP in the web worker host. The browser looks names up, picks a
 * proxy and checks certificates itself, and tells a web page none of it: those steps say so, and
 * the HTTP steps (which the browser does run, with its own proxy and certificates) tell the rest.
 * What only a browser needs, that GitShare allows this page's origin (CORS), is a step of its own
 * (connectionCheck.ts, `corsApplies`).
 */
import * as l10n from '@vscode/l10n';
import { checkStep } from '../connectionCheck/connectionReport';
import type { HostNetwork } from '../connectionCheck/networkSteps';

export const browserNetwork: HostNetwork = {
  corsApplies: true,
  proxySettingsApply: false,
  runtime: 'browser',
  environment: () => ({}),
  async steps(url) {
    return {
      dns: checkStep('dns', 'skipped', [
        l10n.t(
          'VS Code runs in the browser here: the browser looks up {0} itself and does not tell extensions.',
          url.hostname,
        ),
      ]),
      proxy: checkStep('proxy', 'skipped', [
        l10n.t("The browser's own proxy settings apply here (or the system's); VS Code's {0} does not.", 'http.proxy'),
      ]),
      tls: {
        step: checkStep('tls', 'skipped', [
          url.protocol === 'https:'
            ? l10n.t('The browser checks the certificate itself; one it refuses makes the requests below fail.')
            : l10n.t('Plain http, allowed only because the server is on this computer (loopback).'),
        ]),
      },
    };
  },
};
