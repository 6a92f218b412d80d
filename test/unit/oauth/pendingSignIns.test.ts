import assert from 'node:assert/strict';
import { CancelledError, GitShareError } from '../../../src/common/errors';
import { Logger, MemoryLogSink } from '../../../src/common/logger';
import { PendingSignIns, callbackPathFor, signInTimedOut } from '../../../src/oauth/pendingSignIns';
import { callbackPathOf } from '../helpers/authStack';

const PATH = callbackPathOf('https://gitshare.example');

describe('oauth: pending sign-ins', () => {
  let sink: MemoryLogSink;
  let pending: PendingSignIns;
  beforeEach(() => {
    sink = new MemoryLogSink();
    pending = new PendingSignIns(Logger.create(sink));
  });
  afterEach(() => pending.dispose());

  it('hands a callback to the attempt its state names, once', async () => {
    const attempt = pending.begin('state-aaaaaaaaaaaaaaaa', 60_000, PATH);
    const query = new URLSearchParams({ code: 'the-code-123456', state: 'state-aaaaaaaaaaaaaaaa' });
    assert.equal(pending.handleCallback(query, PATH), true);
    assert.equal((await attempt.callback).get('code'), 'the-code-123456');
    assert.equal(pending.handleCallback(query, PATH), false);
    assert.ok(sink.lines.some((l) => l.includes('already used state')));
    assert.equal(pending.size, 0);
  });

  const ignored: [string, URLSearchParams][] = [
    ['a missing state', new URLSearchParams({ code: 'c0de-c0de-c0de' })],
    ['an empty state', new URLSearchParams({ code: 'c0de-c0de-c0de', state: '' })],
    ['an unknown state', new URLSearchParams({ code: 'c0de-c0de-c0de', state: 'forged-state-value' })],
  ];
  for (const [what, query] of ignored) {
    it(`ignores and logs a callback with ${what}; the attempt keeps waiting`, async () => {
      const attempt = pending.begin('state-bbbbbbbbbbbbbbbb', 60_000, PATH);
      assert.equal(pending.handleCallback(query, PATH), false);
      assert.equal(pending.size, 1);
      assert.ok(sink.lines.some((l) => l.startsWith('warn') && l.includes('Ignored a sign-in callback')));
      attempt.cancel();
      await assert.rejects(attempt.callback, CancelledError);
    });
  }

  it("a callback with the right state on another server's path ends that attempt (mix-up defence)", async () => {
    const attempt = pending.begin('state-ffffffffffffffff', 60_000, PATH);
    const query = new URLSearchParams({ code: 'code-from-the-other-server', state: 'state-ffffffffffffffff' });
    assert.equal(pending.handleCallback(query, await callbackPathFor('https://honest.example')), false);
    await assert.rejects(
      attempt.callback,
      (e: unknown) =>
        e instanceof GitShareError && e.kind === 'protocol' && /different GitShare server/.test(e.message),
    );
    assert.equal(pending.handleCallback(query, PATH), false, 'the state is used up');
    assert.equal(pending.size, 0);
  });

  it('gives every server its own callback path, the same on every run', async () => {
    const servers = [
      'https://one.example',
      'https://two.example',
      'https://one.example:8443',
      'http://127.0.0.1:8765',
      'http://127.0.0.1:8766',
    ];
    const paths = await Promise.all(servers.map(callbackPathFor));
    assert.equal(new Set(paths).size, paths.length);
    assert.equal(await callbackPathFor('https://one.example/some/path'), await callbackPathFor('https://one.example'));
    // The base64url of SHA-256 the tests' helper computes with node:crypto, and the one registered before.
    assert.deepEqual(paths, servers.map(callbackPathOf));
    assert.equal(await callbackPathFor('http://127.0.0.1:8765'), '/did-authenticate/crDoaxVvCOtF');
    for (const path of paths) {
      assert.match(path, /^\/did-authenticate\/[A-Za-z0-9_-]{12}$/);
    }
  });

  it('ignores a callback when nothing is pending', () => {
    assert.equal(
      pending.handleCallback(new URLSearchParams({ code: 'c0de-c0de-c0de', state: 'whatever-state-1' }), PATH),
      false,
    );
    assert.ok(sink.lines.some((l) => l.includes('no sign-in is pending')));
  });

  it('expires with the attempt: a timeout rejects and the state stops working', async () => {
    const attempt = pending.begin('state-cccccccccccccccc', 20, PATH);
    await assert.rejects(attempt.callback, (e: unknown) => e instanceof GitShareError && e.kind === 'timeout');
    assert.equal(
      pending.handleCallback(new URLSearchParams({ code: 'c0de-c0de-c0de', state: 'state-cccccccccccccccc' }), PATH),
      false,
    );
  });

  it('keeps several attempts apart', async () => {
    const one = pending.begin('state-1111111111111111', 60_000, PATH);
    const two = pending.begin('state-2222222222222222', 60_000, PATH);
    pending.handleCallback(new URLSearchParams({ code: 'code-two-22222', state: 'state-2222222222222222' }), PATH);
    assert.equal((await two.callback).get('code'), 'code-two-22222');
    assert.equal(pending.size, 1);
    one.cancel();
  });

  it('never logs a state or code', () => {
    pending.begin('state-dddddddddddddddd', 60_000, PATH);
    pending.handleCallback(new URLSearchParams({ code: 'code-secret-4444', state: 'state-eeeeeeeeeeeeeeee' }), PATH);
    pending.handleCallback(new URLSearchParams({ code: 'code-secret-5555', state: 'state-dddddddddddddddd' }), PATH);
    const log = sink.lines.join('\n');
    for (const secret of ['state-dddddddddddddddd', 'state-eeeeeeeeeeeeeeee', 'code-secret-4444', 'code-secret-5555']) {
      assert.ok(!log.includes(secret), 'a secret value reached the log');
    }
  });
});

describe('oauth: the sign-in timeout message names the time it waited', () => {
  it('the default five minutes, and any other timeout, as a person would say it', () => {
    const said = (ms: number) => signInTimedOut(ms).message;
    assert.equal(
      said(5 * 60_000),
      'GitShare did not answer within 5 minutes, so the sign-in was stopped. Please try again.',
    );
    assert.match(said(60_000), /within 1 minute,/);
    assert.match(said(10 * 60_000), /within 10 minutes,/);
    assert.match(said(30_000), /within 30 seconds,/);
    assert.match(said(100), /within 1 second,/);
    assert.equal(signInTimedOut(1000).kind, 'timeout');
  });

  it('a pending sign-in that times out says how long it waited', async () => {
    const pending = new PendingSignIns(Logger.create(new MemoryLogSink()));
    const attempt = pending.begin('state-ffffffffffffffff', 2_000, PATH);
    await assert.rejects(attempt.callback, (error: unknown) => {
      assert.ok(error instanceof GitShareError);
      assert.match(error.message, /within 2 seconds,/);
      return true;
    });
  });
});
