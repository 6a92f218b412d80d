/**
 * The by-hand path: the walk-through's questions (answered here as a person
 * would), what it stores and where, and the redirect URI each kind of
 * application signs in with — ending in a real sign-in against the local
 * server that serves only what GitShare's page documents.
 */
import assert from 'node:assert/strict';
import { CancelledError, GitShareError } from '../../../src/common/errors';
import type { InputQuestion, PickQuestion } from '../../../src/workbench/interaction';
import {
  HandClient,
  HandRegistration,
  HandRegistrationQuestions,
  redirectUriFor,
} from '../../../src/sessions/handRegistration';
import { OOB_REDIRECT_URI } from '../../../src/oauth/oauthClient';
import { authorizeAsUserDetailed, SEED_ONLY } from '../../server/index';
import { useAuthServer } from '../helpers/authStack';

const DESKTOP_CALLBACK = 'vscode://gitshare.gitshare-vscode/did-authenticate';

type Question = {
  kind: 'pick' | 'input';
  id: string;
  title?: string;
  placeHolder?: string;
  prompt?: string;
  password?: boolean;
  labels?: string[];
  details?: (string | undefined)[];
};

/** Answers each question in turn, by its id, as a person would; records what was asked. */
class ScriptedPerson implements HandRegistrationQuestions {
  readonly asked: Question[] = [];
  constructor(private readonly answers: Record<string, (string | undefined)[]>) {}

  private next(id: string): string | undefined {
    const queue = this.answers[id];
    assert.ok(queue?.length, `no answer scripted for ${id}`);
    return queue.shift();
  }

  async input(question: InputQuestion): Promise<string | undefined> {
    this.asked.push({
      kind: 'input',
      id: question.id,
      title: question.title,
      prompt: question.prompt,
      password: question.password,
    });
    const answer = this.next(question.id);
    if (answer !== undefined) {
      assert.equal(question.validate?.(answer), undefined, `the box accepts ${JSON.stringify(answer)}`);
      assert.ok(question.validate?.('  '), 'an empty answer is refused with a message');
    }
    return answer;
  }

  async pick<T>(question: PickQuestion<T>): Promise<T | undefined> {
    this.asked.push({
      kind: 'pick',
      id: question.id,
      title: question.title,
      placeHolder: question.placeHolder,
      labels: question.items.map((i) => i.label),
      details: question.items.map((i) => i.detail),
    });
    const label = this.next(question.id);
    return label === undefined ? undefined : question.items.find((item) => item.label.includes(label))?.value;
  }
}

describe('sessions: an application registered by hand', () => {
  const { server, stack } = useAuthServer({
    extras: SEED_ONLY,
    clients: [
      { clientId: 'typed-id', clientSecret: 'typed-secret-0123456789' },
      { clientId: 'desktop-id', clientSecret: 'desktop-secret-0123456789', callbackUrl: DESKTOP_CALLBACK },
    ],
  });

  function registration(
    person: HandRegistrationQuestions,
    callbackHere: string | undefined,
    configured?: string,
    copied: string[] = [],
  ) {
    return new HandRegistration(stack.store, person, stack.logger, {
      callbackHere: async () => callbackHere,
      configuredClientId: () => configured,
      copyToClipboard: async (text) => {
        copied.push(text);
      },
    });
  }

  it('redirect URI: none without a callback URL; the exact URL when it reaches this window; the no-callback value when it cannot', () => {
    const client = (callbackUrl: string | null | undefined): HandClient => ({
      clientId: 'c',
      clientSecret: 's',
      callbackUrl,
    });
    assert.equal(redirectUriFor(client(null), DESKTOP_CALLBACK), undefined);
    assert.equal(redirectUriFor(client(undefined), DESKTOP_CALLBACK), undefined);
    assert.equal(redirectUriFor(client(DESKTOP_CALLBACK), DESKTOP_CALLBACK), DESKTOP_CALLBACK);
    assert.equal(redirectUriFor(client(DESKTOP_CALLBACK), undefined), OOB_REDIRECT_URI, 'VS Code for the web');
    assert.equal(redirectUriFor(client('https://elsewhere.example/cb'), DESKTOP_CALLBACK), OOB_REDIRECT_URI);
  });

  it('in VS Code for the web: says to leave the callback URL empty, asks the id and the secret (a password box), stores them for this server only', async () => {
    const person = new ScriptedPerson({
      handRegistrationCallback: ['I left the callback URL empty'],
      handRegistrationClientId: ['  typed-id '],
      handRegistrationClientSecret: ['typed-secret-0123456789'],
    });
    const hand = registration(person, undefined);
    const saved = await hand.walkThrough(server.url, 'GitShare at the server does not let VS Code register itself.');
    assert.deepEqual(saved, { clientId: 'typed-id', clientSecret: 'typed-secret-0123456789', callbackUrl: null });

    assert.deepEqual(
      person.asked.map((q) => q.id),
      ['handRegistrationCallback', 'handRegistrationClientId', 'handRegistrationClientSecret'],
    );
    const [callback, id, secret] = person.asked;
    assert.match(callback!.placeHolder!, /does not let VS Code register itself\. On GitShare, register an application/);
    assert.deepEqual(
      callback!.labels,
      ['$(circle-slash) I left the callback URL empty'],
      'no callback URL can reach a web window',
    );
    assert.match(callback!.details![0]!, /leave it empty on GitShare/);
    assert.equal(id!.password, undefined);
    assert.equal(secret!.password, true, 'the secret goes in a password box');

    assert.deepEqual(await hand.clientFor(server.url), saved);
    assert.equal(await hand.clientFor('https://other.example'), undefined, 'another server gets nothing');
    // Only in the secret storage: the id and callback under the server, the secret under (server, id).
    const stored = [...stack.secrets.values.entries()];
    assert.ok(stored.some(([key, value]) => key.includes(server.url) && value === 'typed-secret-0123456789'));
    assert.ok(
      stack.sink.lines.every((line) => !line.includes('typed-secret-0123456789')),
      'the secret never reaches the log',
    );
  });

  it('in desktop VS Code: shows the callback URL to enter, copies it on request, and remembers that it was entered', async () => {
    const copied: string[] = [];
    const person = new ScriptedPerson({
      handRegistrationCallback: ['Copy the callback URL', 'I entered this callback URL'],
      handRegistrationClientId: ['desktop-id'],
      handRegistrationClientSecret: ['desktop-secret-0123456789'],
    });
    const saved = await registration(person, DESKTOP_CALLBACK, undefined, copied).walkThrough(server.url, undefined);
    assert.deepEqual(copied, [DESKTOP_CALLBACK]);
    assert.equal(saved.callbackUrl, DESKTOP_CALLBACK);
    const first = person.asked[0]!;
    assert.ok(first.labels!.includes('$(link) I entered this callback URL'));
    assert.equal(
      person.asked.filter((q) => q.id === 'handRegistrationCallback').length,
      2,
      'the question comes back after the copy',
    );
  });

  it('dismissing any step cancels and stores nothing', async () => {
    const scripts: Record<string, (string | undefined)[]>[] = [
      { handRegistrationCallback: [undefined] },
      { handRegistrationCallback: ['left the callback URL empty'], handRegistrationClientId: [undefined] },
      {
        handRegistrationCallback: ['left the callback URL empty'],
        handRegistrationClientId: ['typed-id'],
        handRegistrationClientSecret: [undefined],
      },
    ];
    for (const answers of scripts) {
      const hand = registration(new ScriptedPerson(answers), undefined);
      await assert.rejects(hand.walkThrough(server.url, undefined), CancelledError);
      assert.equal(await hand.clientFor(server.url), undefined);
    }
  });

  it('gitshare.clientId: its secret for this server; its callback URL only as the walk-through recorded it for that id', async () => {
    await stack.store.saveClientSecret(server.url, 'desktop-id', 'desktop-secret-0123456789');
    const hand = registration(new ScriptedPerson({}), DESKTOP_CALLBACK, 'desktop-id');
    assert.deepEqual(await hand.clientFor(server.url), {
      clientId: 'desktop-id',
      clientSecret: 'desktop-secret-0123456789',
      callbackUrl: undefined,
    });
    await stack.store.saveHandClient(
      server.url,
      { clientId: 'desktop-id', callbackUrl: DESKTOP_CALLBACK },
      'desktop-secret-0123456789',
    );
    assert.equal((await hand.clientFor(server.url))!.callbackUrl, DESKTOP_CALLBACK);
  });

  it('Set Client Secret: asks for the secret of gitshare.clientId on this server in a password box; saves it for this server only, empty removes it, dismissing keeps it', async () => {
    const asked: InputQuestion[] = [];
    const answers: (string | undefined)[] = ['  team-secret-0123456789 ', undefined, ''];
    const person: HandRegistrationQuestions = {
      input: async (question) => {
        asked.push(question);
        return answers.shift();
      },
      pick: () => Promise.reject(new Error('no pick expected')),
    };
    const hand = registration(person, undefined, 'team-id');
    const secretOf = (url: string) => stack.store.readClientSecret(url, 'team-id');

    await hand.setSecret(async () => server.url);
    assert.equal(asked[0]!.password, true, 'a password box');
    assert.match(asked[0]!.prompt!, new RegExp(`team-id on ${new URL(server.url).host}`));
    assert.equal(await secretOf(server.url), 'team-secret-0123456789');
    assert.equal(await secretOf('https://other.example'), undefined, 'another server gets nothing');

    await hand.setSecret(async () => server.url);
    assert.equal(await secretOf(server.url), 'team-secret-0123456789', 'dismissed: kept');
    await hand.setSecret(async () => server.url);
    assert.equal(await secretOf(server.url), undefined, 'empty: removed');
  });

  it('Set Client Secret without gitshare.clientId: says to set it first, and asks nothing (not even the server)', async () => {
    let askedServer = false;
    const hand = registration(new ScriptedPerson({}), undefined, undefined);
    await assert.rejects(
      hand.setSecret(async () => {
        askedServer = true;
        return server.url;
      }),
      (error: Error) => {
        assert.equal((error as GitShareError).kind, 'invalidInput');
        assert.equal(error.message, 'Set "gitshare.clientId" in your user settings first.');
        return true;
      },
    );
    assert.equal(askedServer, false);
  });

  it('what the walk-through stored signs in against the documented server: the code shown on the page, no redirect_uri anywhere', async () => {
    const person = new ScriptedPerson({
      handRegistrationCallback: ['left the callback URL empty'],
      handRegistrationClientId: ['typed-id'],
      handRegistrationClientSecret: ['typed-secret-0123456789'],
    });
    const hand = registration(person, undefined);
    await hand.walkThrough(server.url, undefined);
    const client = (await hand.clientFor(server.url))!;
    let shown: string | undefined;
    const session = await stack.flow.signIn({
      serverUrl: server.url,
      scopes: ['files:read', 'files:write'],
      redirectUri: redirectUriFor(client, undefined),
      client,
      openBrowser: async (url) => {
        assert.equal(new URL(url).searchParams.has('redirect_uri'), false);
        const page = await authorizeAsUserDetailed(url, { username: 'demo', password: 'demo', decision: 'allow' });
        shown = page.kind === 'code' ? page.code : undefined;
      },
      promptForCode: async () => shown,
    });
    assert.equal(session.user.username, 'demo');
    assert.equal(session.client.clientId, 'typed-id');
    assert.equal(stack.http.tokenRequests()[0]!.has('redirect_uri'), false);
  });
});
