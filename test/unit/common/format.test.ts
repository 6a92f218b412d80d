import * as assert from 'node:assert/strict';
import { formatBytes } from '../../../src/common/format';

describe('common/format', () => {
  it('formats bytes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MB');
    assert.equal(formatBytes(200 * 1024 * 1024), '200 MB');
  });
});
