/**
 * Applications registered by hand on GitShare, as its own page describes:
 * the person registers an application on the site (a callback URL is
 * optional) and gets a client id and secret. Which one a sign-in uses, which
 * `redirect_uri` goes with it, the walk-through that asks for them, and Set
 * Client Secret… for an id given in the settings.
 *
 * Per server: the id and callback URL in SecretStorage beside the secret (see
 * TokenStore), or the id from the `gitshare.clientId` setting with the secret
 * set for this server. The questions go through the one `Interaction` seam,
 * so the walk-through is tested in plain Node.
 */
import * as l10n from '@vscode/l10n';
import { SETTINGS_SECTION, Settings } from '../common/constants';
import { CancelledError, GitShareError } from '../common/errors';
import type { Interaction } from '../workbench/interaction';
import { Logger } from '../common/logger';
import { notificationText } from '../common/untrustedText';
import type { ClientCredentials } from '../oauth/credentials';
import { OOB_REDIRECT_URI } from '../oauth/oauthClient';
import { TokenStore } from './tokenStore';

/** The part of the one `Interaction` seam this module asks through (a type only: nothing of `vscode` is loaded). */
export type HandRegistrationQuestions = Pick<Interaction, 'input' | 'pick'>;

export interface HandClient extends ClientCredentials {
  /** The callback URL entered on GitShare; null: none; undefined: not known (only `gitshare.clientId` without a walk-through). */
  readonly callbackUrl: string | null | undefined;
}

/**
 * The `redirect_uri` a sign-in with this client sends, at authorize and again
 * at the token endpoint:
 * - no callback URL (or not known): none; GitShare shows the code;
 * - the callback URL this window receives: that URL, byte for byte;
 * - a callback URL that cannot reach this window (another host, VS Code for
 *   the web): the no-callback value, which GitShare accepts when the
 *   application registered it too; the code is shown on screen.
 */
export function redirectUriFor(client: HandClient, callbackHere: string | undefined): string | undefined {
  if (!client.callbackUrl) {
    return undefined;
  }
  return client.callbackUrl === callbackHere ? client.callbackUrl : OOB_REDIRECT_URI;
}

export interface HandRegistrationOptions {
  /** The callback URL for this server that reaches this window and stays the same (desktop VS Code); undefined where none does (VS Code for the web). */
  readonly callbackHere: (serverUrl: string) => Promise<string | undefined>;
  /** `gitshare.clientId` from the user settings, when set. */
  readonly configuredClientId: () => string | undefined;
  readonly copyToClipboard: (text: string) => Promise<void>;
}

type CallbackAnswer = { kind: 'callback' } | { kind: 'none' } | { kind: 'copy' };

export class HandRegistration {
  constructor(
    private readonly store: TokenStore,
    private readonly questions: HandRegistrationQuestions,
    private readonly logger: Logger,
    private readonly options: HandRegistrationOptions,
  ) {}

  /** The application registered by hand for this server, if any; undefined: the extension registers itself. */
  async clientFor(serverUrl: string): Promise<HandClient | undefined> {
    const record = await this.store.readHandClient(serverUrl);
    const configured = this.options.configuredClientId();
    if (configured) {
      const clientSecret = await this.store.readClientSecret(serverUrl, configured);
      const callbackUrl = record?.clientId === configured ? record.callbackUrl : undefined;
      this.logger.info(
        `Using the configured client ${configured}${clientSecret ? '' : ' as a public client (no secret set)'}`,
      );
      return { clientId: configured, clientSecret, callbackUrl };
    }
    if (!record) {
      return undefined;
    }
    const clientSecret = await this.store.readClientSecret(serverUrl, record.clientId);
    this.logger.info(
      `Using client ${record.clientId}, registered by hand on ${serverUrl} (${record.callbackUrl ? 'with a callback URL' : 'no callback URL'})`,
    );
    return { clientId: record.clientId, clientSecret, callbackUrl: record.callbackUrl };
  }

  /**
   * "GitShare: Set Client Secret…": the secret of the application named in `gitshare.clientId`, for
   * one server (`serverUrl` is asked for only once there is a client id); empty removes it,
   * dismissing changes nothing.
   */
  async setSecret(serverUrl: () => Promise<string>): Promise<void> {
    const clientId = this.options.configuredClientId();
    if (!clientId) {
      throw new GitShareError(
        'invalidInput',
        l10n.t('Set "{0}.{1}" in your user settings first.', SETTINGS_SECTION, Settings.clientId),
      );
    }
    // The secret belongs to one server: it is never sent to another.
    const server = await serverUrl();
    const secret = await this.questions.input({
      id: 'clientSecret',
      title: l10n.t('GitShare Client Secret'),
      prompt: notificationText(
        l10n.t(
          'The client secret of the GitShare application {0} on {1}. Leave empty to remove it.',
          clientId,
          new URL(server).host,
        ),
      ),
      password: true,
    });
    if (secret === undefined) {
      return;
    }
    await this.store.saveClientSecret(server, clientId, secret.trim() || undefined);
    this.logger.info(`Client secret for ${clientId} on ${server} ${secret.trim() ? 'saved' : 'removed'}`);
  }

  /**
   * The walk-through: what to enter on GitShare as the callback URL (shown, and
   * copied on request) or to leave it empty, then the client id and the secret.
   * Saves them for this server. Dismissing any step cancels.
   */
  async walkThrough(serverUrl: string, why: string | undefined, previous?: HandClient): Promise<HandClient> {
    const host = new URL(serverUrl).host;
    const callbackHere = await this.options.callbackHere(serverUrl);
    const intro = why ?? l10n.t('Use an application you registered on GitShare ({0}).', host);
    let answer: CallbackAnswer | undefined;
    do {
      answer = await this.questions.pick<CallbackAnswer>({
        id: 'handRegistrationCallback',
        title: l10n.t('Register VS Code on GitShare (1/3): the callback URL'),
        placeHolder: l10n.t(
          '{0} On GitShare, register an application, then choose what you entered as its callback URL.',
          intro,
        ),
        items: [
          ...(callbackHere
            ? [
                {
                  label: l10n.t('$(link) I entered this callback URL'),
                  description: callbackHere,
                  detail: l10n.t('After you allow access, GitShare sends you back to VS Code.'),
                  value: { kind: 'callback' } as const,
                },
                {
                  label: l10n.t('$(copy) Copy the callback URL'),
                  detail: callbackHere,
                  value: { kind: 'copy' } as const,
                },
              ]
            : []),
          {
            label: l10n.t('$(circle-slash) I left the callback URL empty'),
            detail: callbackHere
              ? l10n.t('After you allow access, GitShare shows a code; you paste it here.')
              : l10n.t(
                  'No callback URL can reach this window, so leave it empty on GitShare: after you allow access, GitShare shows a code and you paste it here.',
                ),
            value: { kind: 'none' } as const,
          },
        ],
      });
      if (answer?.kind === 'copy' && callbackHere) {
        await this.options.copyToClipboard(callbackHere);
      }
    } while (answer?.kind === 'copy');
    if (!answer) {
      throw new CancelledError();
    }
    const clientId = (
      await this.questions.input({
        id: 'handRegistrationClientId',
        title: l10n.t('Register VS Code on GitShare (2/3): the client id'),
        prompt: l10n.t('The client id GitShare showed when you registered the application on {0}.', host),
        value: previous?.clientId,
        validate: (value) => (value.trim() ? undefined : l10n.t('Enter the client id GitShare showed.')),
      })
    )?.trim();
    if (!clientId) {
      throw new CancelledError();
    }
    const secret = await this.questions.input({
      id: 'handRegistrationClientSecret',
      title: l10n.t('Register VS Code on GitShare (3/3): the client secret'),
      prompt: l10n.t(
        'The client secret GitShare showed with {0}. VS Code keeps it in its secret storage, for {1} only.',
        clientId,
        host,
      ),
      password: true,
      validate: (value) => (value.trim() ? undefined : l10n.t('Enter the client secret GitShare showed.')),
    });
    if (secret === undefined || !secret.trim()) {
      throw new CancelledError();
    }
    this.logger.redact(secret.trim());
    const callbackUrl = answer.kind === 'callback' && callbackHere ? callbackHere : null;
    await this.store.saveHandClient(serverUrl, { clientId, callbackUrl }, secret.trim());
    this.logger.info(
      `Saved client ${clientId} for ${serverUrl} (${callbackUrl ? 'with a callback URL' : 'no callback URL'})`,
    );
    return { clientId, clientSecret: secret.trim(), callbackUrl };
  }
}
