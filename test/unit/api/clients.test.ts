import * as assert from 'node:assert/strict';
import { GitShareClients } from '../../../src/api/clients';
import type { GitShareClient } from '../../../src/api/client';
import type { AccountDirectory, GitShareAccount } from '../../../src/common/accounts';
import { GitShareError } from '../../../src/common/errors';

/** An account directory that loads its accounts when `restore` is called, as SessionManager does at start-up. */
function restoringDirectory(stored: GitShareAccount[]) {
  let accounts: GitShareAccount[] = [];
  let restore!: () => void;
  const restored = new Promise<void>((resolve) => {
    restore = () => {
      accounts = stored;
      resolve();
    };
  });
  const directory: AccountDirectory = {
    get accounts() {
      return accounts;
    },
    onDidChangeAccounts: () => ({ dispose: () => undefined }),
    findByAuthority: (authority) => accounts.find((a) => a.authority === authority),
    whenRestored: () => restored,
  };
  return { directory, restore };
}

const alice: GitShareAccount = {
  id: 'session-1',
  label: 'alice',
  serverUrl: 'http://127.0.0.2:8765',
  authority: 'alice@127.0.0.2:8765',
  tokens: { getAccessToken: async () => 'token', refreshAfterUnauthorized: async () => 'token' },
};

describe('GitShareClients', () => {
  const factory = (account: GitShareAccount) => ({ account }) as unknown as GitShareClient;

  it('forAuthorityWhenRestored waits for the stored accounts before answering for an authority it does not know yet', async () => {
    const { directory, restore } = restoringDirectory([alice]);
    const clients = new GitShareClients(directory, factory);
    assert.throws(
      () => clients.forAuthority(alice.authority),
      (e: unknown) => e instanceof GitShareError && e.kind === 'signInRequired',
    );
    const pending = clients.forAuthorityWhenRestored(alice.authority);
    restore();
    const { account } = await pending;
    assert.equal(account, alice);
  });

  it('forAuthorityWhenRestored still asks to sign in for an account that is not stored', async () => {
    const { directory, restore } = restoringDirectory([alice]);
    const clients = new GitShareClients(directory, factory);
    restore();
    await assert.rejects(
      clients.forAuthorityWhenRestored('bob@127.0.0.2:8765'),
      (e: unknown) => e instanceof GitShareError && e.kind === 'signInRequired',
    );
  });
});
