/** When the runner counts a test layer as passed: only when it ran what it planned, skips only by name. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { judgeLayer, LayerResult, readAllowedPending } from '../../runner/results';

const clean: LayerResult = { passes: 24, failures: 0, pending: 0, total: 24, pendingTitles: [], files: 6 };

describe('runner: a layer passes only when it ran what it planned', () => {
  it('passes a run where every planned test passed', () => {
    assert.deepEqual(judgeLayer(clean, 6, {}), []);
  });

  it('fails a run with 22 of 24 tests skipped, naming them (the server address did not arrive)', () => {
    const titles = Array.from({ length: 22 }, (_, i) => `files view test ${i}`);
    const problems = judgeLayer({ ...clean, passes: 2, pending: 22, pendingTitles: titles }, 6, {});
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /^22 skipped \(pending\) test\(s\) not in test\/runner\/allowedPending\.json/);
    assert.match(problems[0], /- files view test 0$/m);
    assert.match(problems[0], /- files view test 21$/m);
  });

  it('accepts a skip named in the allow-list with a reason, and only that one', () => {
    const run = { ...clean, passes: 22, pending: 2, pendingTitles: ['a needs desktop VS Code', 'b'] };
    const problems = judgeLayer(run, 6, { 'a needs desktop VS Code': 'code-server cannot do it' });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^1 skipped .*\n\s+- b$/);
  });

  it('fails a run where planned tests never ran (the host stopped half-way)', () => {
    assert.deepEqual(judgeLayer({ ...clean, passes: 10 }, 6, {}), ['14 of 24 planned tests did not run']);
  });

  it('fails a run that planned no test, and says when a filter is why', () => {
    const none = { ...clean, passes: 0, total: 0 };
    assert.deepEqual(judgeLayer(none, 6, {}), ['no test ran']);
    assert.deepEqual(judgeLayer({ ...none, grep: 'nothing-matches' }, 6, {}), [
      'no test matches GITSHARE_TEST_GREP=nothing-matches',
    ]);
  });

  it('fails a run that loaded fewer test files than there are', () => {
    assert.deepEqual(judgeLayer({ ...clean, files: 5 }, 6, {}), ['loaded 5 of 6 test files']);
  });

  it('fails failed tests', () => {
    assert.deepEqual(judgeLayer({ ...clean, passes: 23, failures: 1 }, 6, {}), ['1 failed']);
  });

  it('the allow-list in the repository gives every entry a reason', () => {
    const allowed = readAllowedPending();
    for (const [title, reason] of Object.entries(allowed)) {
      assert.ok(reason.trim().length > 0, title);
    }
  });

  it('refuses an allow-list entry without a reason', () => {
    const file = `${fs.mkdtempSync('/tmp/gitshare-allowed-')}/allowed.json`;
    fs.writeFileSync(file, JSON.stringify({ 'some test': '' }));
    assert.throws(() => readAllowedPending(file), /"some test" needs a reason/);
  });
});
