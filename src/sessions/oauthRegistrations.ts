/**
 * Which OAuth client a sign-in uses. By default the extension registers itself
 * (RFC 7591) for the exact redirect URI of the sign-in, plus the no-callback
 * URI so "Having trouble?" can switch modes without registering again. The
 * redirect URI changes between VS Code hosts and, in VS Code for the web, from
 * one sign-in to the next; so a registration is reused only when it already
 * lists that exact URI, and registrations that no session uses any more are
 * deleted at the server (`DELETE /oauth2/register/{client_id}`). The newest
 * one is kept, for the next sign-in from the same host.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import { Logger } from '../common/logger';
import type { RegisteredClient } from '../oauth/clientRegistration';
import type { ClientCredentials } from '../oauth/credentials';
import { OAuthClient, OOB_REDIRECT_URI } from '../oauth/oauthClient';
import { TokenStore } from './tokenStore';

export class OAuthRegistrations {
  constructor(
    private readonly store: TokenStore,
    private readonly oauth: OAuthClient,
    private readonly logger: Logger,
    /** The client ids the stored sessions of a server hold grants for. */
    private readonly clientsInUse: (serverUrl: string) => Promise<ReadonlySet<string>>,
  ) {}

  /** A client registered for `redirectUri` on this server, registering one when needed. */
  async clientFor(
    serverUrl: string,
    as: AuthorizationServer,
    redirectUri: string,
    signal?: AbortSignal,
  ): Promise<ClientCredentials> {
    const known = (await this.store.readClients(serverUrl)).find((client) => client.redirectUris.includes(redirectUri));
    if (known) {
      this.logger.debug(`Reusing client ${known.clientId} for this redirect URI`);
      return credentials(known);
    }
    const redirectUris = redirectUri === OOB_REDIRECT_URI ? [OOB_REDIRECT_URI] : [redirectUri, OOB_REDIRECT_URI];
    const registered = await this.oauth.register(as, redirectUris, signal);
    await this.store.updateClients(serverUrl, (clients) => [
      ...clients.filter((c) => c.clientId !== registered.clientId),
      registered,
    ]);
    return credentials(registered);
  }

  /** Deletes the registrations of this server that no session uses, except the newest. */
  async prune(serverUrl: string, as: AuthorizationServer | undefined): Promise<void> {
    const inUse = await this.clientsInUse(serverUrl);
    const clients = await this.store.readClients(serverUrl);
    const newest = clients.reduce<RegisteredClient | undefined>(
      (a, b) => (!a || b.registeredAt >= a.registeredAt ? b : a),
      undefined,
    );
    const stale = clients.filter((client) => client !== newest && !inUse.has(client.clientId));
    if (!stale.length) {
      return;
    }
    this.logger.info(`Deleting ${stale.length} unused client registration(s) on ${serverUrl}`);
    const staleIds = new Set(stale.map((client) => client.clientId));
    // Forget them locally first: a registration left at the server is harmless, a secret kept here is not needed.
    await this.store.updateClients(serverUrl, (current) => current.filter((client) => !staleIds.has(client.clientId)));
    if (as) {
      await Promise.all(stale.map((client) => this.oauth.unregister(as, client)));
    }
  }
}

function credentials(client: RegisteredClient): ClientCredentials {
  return { clientId: client.clientId, clientSecret: client.clientSecret };
}
