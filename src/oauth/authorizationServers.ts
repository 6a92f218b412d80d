/**
 * The OAuth metadata of each GitShare server (RFC 8414 discovery, or the
 * documented paths where the server has none), discovered once per window and
 * shared by sign-in, refresh and revocation. A failed discovery is not kept,
 * so the next call tries again.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import type { OAuthClient } from './oauthClient';

export class AuthorizationServers {
  private readonly discovered = new Map<string, Promise<AuthorizationServer>>();

  constructor(private readonly oauth: OAuthClient) {}

  /** The server's OAuth endpoints, discovered on first use. */
  get(serverUrl: string, signal?: AbortSignal): Promise<AuthorizationServer> {
    let cached = this.discovered.get(serverUrl);
    if (!cached) {
      cached = this.oauth.discover(serverUrl, signal);
      this.discovered.set(serverUrl, cached);
      cached.catch(() => this.discovered.delete(serverUrl));
    }
    return cached;
  }
}
