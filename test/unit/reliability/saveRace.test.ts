/**
 * Saves racing at the server: the If-Match check and the rename must be one
 * step, or two editors holding the same ETag both "win" and one is silently
 * overwritten. The server serialises the check and the rename per path
 * (PathLocks in test/server/files.ts).
 */

import * as assert from 'node:assert/strict';
import { GitShareError } from '../../../src/common/errors';
import { useSignedInServer } from '../helpers/fixtures';
import { FAST_RETRY } from '../helpers/retry';
import { count } from '../../support/tally';
import { newClient } from './helpers';

describe('reliability: racing saves at the server', function () {
  this.timeout(30_000);
  const { server, tokens } = useSignedInServer();

  it('ten saves racing with the same ETag: exactly one wins, nine get preconditionFailed, the winner is what stays', async () => {
    const { client } = newClient(server.url, tokens, { retry: { ...FAST_RETRY, maxRetries: 0 } });
    const base = await client.writeFile('/rel/race.txt', Buffer.from('base'), undefined);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client.writeFile('/rel/race.txt', Buffer.from(`editor ${i} `.repeat(20_000)), { ifMatch: base.etag }).then(
          () => i,
          (e: unknown) => (e instanceof GitShareError ? e.kind : String(e)),
        ),
      ),
    );
    count('faults', 'stale save (ETag) refused', 9);
    const winners = outcomes.filter((o): o is number => typeof o === 'number');
    assert.equal(winners.length, 1, `outcomes: ${outcomes.join(', ')}`);
    assert.deepEqual(
      outcomes.filter((o) => typeof o !== 'number'),
      Array(9).fill('preconditionFailed'),
    );
    assert.equal(
      Buffer.from((await client.readFile('/rel/race.txt')).data).toString(),
      `editor ${winners[0]} `.repeat(20_000),
    );
  });
});
