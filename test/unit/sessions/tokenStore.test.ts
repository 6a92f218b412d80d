import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { Logger, MemoryLogSink } from '../../../src/common/logger';
import { StoredSession, TokenStore, TokenStoreChange } from '../../../src/sessions/tokenStore';
import { MemorySecretStorage } from '../helpers/authStack';

function session(id: string, serverUrl = 'https://gitshare.example'): StoredSession {
  return {
    id,
    serverUrl,
    user: { id: '1', username: 'demo', name: 'Demo' },
    scopes: ['files:read', 'files:write'],
    client: { clientId: 'client-1', clientSecret: 'client-secret-0001' },
    accessToken: `access-token-${id}`,
    refreshToken: `refresh-token-${id}`,
    expiresAt: 1_900_000_000_000,
  };
}

describe('sessions: token store', () => {
  let secrets: MemorySecretStorage;
  let store: TokenStore;
  let sink: MemoryLogSink;
  beforeEach(() => {
    secrets = new MemorySecretStorage();
    sink = new MemoryLogSink();
    store = new TokenStore(secrets, Logger.create(sink));
  });
  afterEach(() => store.dispose());

  it('round-trips sessions, in order, one key each', async () => {
    await store.saveSession(session('a'));
    await store.saveSession(session('b', 'http://127.0.0.2:8765'));
    assert.deepEqual(await store.readSessionIds(), ['a', 'b']);
    assert.ok(isDeepStrictEqual(await store.readSessions(), [session('a'), session('b', 'http://127.0.0.2:8765')]));
    assert.equal([...secrets.values.keys()].filter((k) => k.startsWith('gitshare.auth.session.')).length, 2);
    await store.saveSession({ ...session('a'), accessToken: 'access-token-a2' });
    assert.deepEqual(await store.readSessionIds(), ['a', 'b']);
    assert.equal((await store.readSession('a'))!.accessToken, 'access-token-a2');
  });

  it('removes a session and its secrets', async () => {
    await store.saveSession(session('a'));
    await store.saveSession(session('b'));
    await store.removeSession('a');
    assert.deepEqual(await store.readSessionIds(), ['b']);
    assert.equal(await store.readSession('a'), undefined);
    assert.ok(![...secrets.values.values()].some((v) => v.includes('access-token-a')));
  });

  it('ignores unreadable or foreign values instead of failing', async () => {
    await secrets.store('gitshare.auth.sessions', JSON.stringify(['x', 'y', 42]));
    await secrets.store('gitshare.auth.session.x', '{not json');
    await secrets.store('gitshare.auth.session.y', JSON.stringify({ id: 'y' }));
    assert.deepEqual(await store.readSessions(), []);
  });

  it('keeps client registrations per server and client secrets per client id', async () => {
    const client = {
      clientId: 'c1',
      clientSecret: 'client-secret-c1',
      redirectUris: ['urn:ietf:wg:oauth:2.0:oob'],
      registeredAt: 1,
    };
    await store.updateClients('https://one.example', (list) => [...list, client]);
    assert.deepEqual(await store.readClients('https://one.example'), [client]);
    assert.deepEqual(await store.readClients('https://two.example'), []);
    await store.updateClients('https://one.example', () => []);
    assert.equal(secrets.values.has('gitshare.auth.clients.https://one.example'), false);

    await store.saveClientSecret('https://one.example', 'my-client', 'my-client-secret-123');
    assert.equal(await store.readClientSecret('https://one.example', 'my-client'), 'my-client-secret-123');
    await store.saveClientSecret('https://one.example', 'my-client', undefined);
    assert.equal(await store.readClientSecret('https://one.example', 'my-client'), undefined);
  });

  it('a hand-set client secret belongs to one server: the same client id on another server does not get it', async () => {
    await store.saveClientSecret('https://one.example', 'my-client', 'my-client-secret-123');
    assert.equal(await store.readClientSecret('https://two.example', 'my-client'), undefined);
    assert.equal(await store.readClientSecret('https://one.example', 'other-client'), undefined);
    assert.equal(await store.readClientSecret('https://one.example', 'my-client'), 'my-client-secret-123');
  });

  it('reports changes from any window by kind', async () => {
    const changes: TokenStoreChange[] = [];
    store.onDidChange((c) => changes.push(c));
    const otherWindow = new TokenStore(secrets, Logger.create(new MemoryLogSink()));
    await otherWindow.saveSession(session('z'));
    await otherWindow.removeSession('z');
    otherWindow.dispose();
    assert.deepEqual(changes, [
      { kind: 'session', id: 'z' },
      { kind: 'sessions' },
      { kind: 'sessions' },
      { kind: 'session', id: 'z' },
    ]);
  });

  it('registers every secret it reads for redaction', async () => {
    await store.saveSession(session('a'));
    const logger = Logger.create(sink);
    const restarted = new TokenStore(secrets, logger);
    await restarted.readSessions();
    logger.info('leak? access-token-a refresh-token-a client-secret-0001');
    restarted.dispose();
    assert.ok(sink.lines.at(-1)!.endsWith('leak? [redacted] [redacted] [redacted]'));
  });
});
