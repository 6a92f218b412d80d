import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  concatBytes,
  fromUtf8,
  randomHex,
  randomUUID,
  sha256,
  toBase64,
  toBase64Url,
  toHex,
  utf8,
} from '../../../src/common/bytes';

describe('common/bytes: what both extension hosts have, in place of Buffer and node:crypto', () => {
  it('hashes and encodes as node:crypto and Buffer do', async () => {
    for (const text of ['', 'https://gitshare.example', 'äöü €', 'a'.repeat(1000)]) {
      const digest = await sha256(text);
      const node = createHash('sha256').update(text, 'utf8').digest();
      assert.equal(toHex(digest), node.toString('hex'));
      assert.equal(toBase64(digest), node.toString('base64'));
      assert.equal(toBase64Url(digest), node.toString('base64url'));
      assert.deepEqual(Buffer.from(utf8(text)), Buffer.from(text, 'utf8'));
      assert.equal(fromUtf8(utf8(text)), text);
    }
  });

  it('joins chunks, keeping a single chunk as it is', () => {
    const one = utf8('one');
    assert.equal(concatBytes([one]), one);
    assert.equal(fromUtf8(concatBytes([utf8('a'), new Uint8Array(), utf8('bc')])), 'abc');
    assert.equal(concatBytes([]).byteLength, 0);
  });

  it('makes random names that differ', () => {
    assert.match(randomHex(4), /^[0-9a-f]{8}$/);
    assert.notEqual(randomHex(8), randomHex(8));
    assert.match(randomUUID(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
