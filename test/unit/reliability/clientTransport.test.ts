/**
 * Defence in depth for the transport rule (https anywhere, plain http only to
 * loopback): the API client's one request function is where the bearer token
 * is attached, so it is the last place to refuse.
 */

import * as assert from 'node:assert/strict';
import fetch from 'node-fetch';
import type { FetchLike } from '../../../src/node/fetch';
import { useSignedInServer } from '../helpers/fixtures';
import { failure, newClient } from './helpers';
import { nodeTransport } from '../../../src/node/transport';

describe('reliability: the API client and plain http', function () {
  this.timeout(30_000);
  const { tokens } = useSignedInServer();

  it('the API client itself never sends the bearer token over plain http to a host that is not loopback', async () => {
    // Defence in depth: an account's server address comes from sign-in, but the one request function
    // is where the token is attached, so it is the last place to refuse.
    const sent: string[] = [];
    const recording: FetchLike = (url, init) => {
      sent.push(url);
      return fetch(url, init);
    };
    for (const serverUrl of ['http://gitshare.example', 'http://10.0.0.1:8765']) {
      const { client } = newClient(serverUrl, tokens, {
        transport: nodeTransport(recording),
        retry: { maxRetries: 0 },
        responseTimeoutMs: 500,
      });
      await failure(client.entry('/README.md'));
    }
    assert.deepEqual(sent, [], 'no request left the client');
  });
});
