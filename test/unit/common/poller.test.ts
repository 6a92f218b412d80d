import * as assert from 'node:assert/strict';
import { Poller, PollSchedule, watchIntervalMs } from '../../../src/common/poller';
import { eventually, pause } from '../../support/wait';

describe('common/poller: gitshare.watch.interval as a pause between rounds', () => {
  it('never less than 1 s, whatever the value; 0 (or no number) is off', () => {
    const cases: [unknown, number][] = [
      [10, 10_000],
      [1, 1_000],
      [2.5, 2_500],
      [0.999, 1_000],
      [0.001, 1_000],
      [Number.MIN_VALUE, 1_000],
      [0, 0],
      [-5, 0],
      [Number.NaN, 0],
      [Number.POSITIVE_INFINITY, 0],
      ['0.001', 0],
      [undefined, 0],
      [null, 0],
    ];
    for (const [seconds, ms] of cases) {
      assert.equal(watchIntervalMs(seconds), ms, String(seconds));
    }
  });
});

describe('common/PollSchedule: how often GitShare is checked', () => {
  it('a focused window checks every interval', () => {
    const schedule = new PollSchedule(10_000);
    for (let i = 0; i < 5; i++) {
      assert.equal(schedule.nextDelay(), 10_000);
      schedule.roundDone(true);
    }
  });

  it('backs off while the window is in the background: 1×, 2×, 4×, … up to the cap', () => {
    const schedule = new PollSchedule(10_000, 60_000);
    schedule.setFocused(false);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      delays.push(schedule.nextDelay()!);
      schedule.roundDone(true);
    }
    assert.deepEqual(delays, [10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
  });

  it('focus regained: says "look now" once and drops back to the interval', () => {
    const schedule = new PollSchedule(10_000, 60_000);
    assert.equal(schedule.setFocused(true), false, 'already focused: nothing regained');
    schedule.setFocused(false);
    schedule.roundDone(true);
    schedule.roundDone(true);
    assert.equal(schedule.nextDelay(), 40_000);
    assert.equal(schedule.setFocused(true), true);
    assert.equal(schedule.nextDelay(), 10_000);
    assert.equal(schedule.setFocused(true), false);
  });

  it('failed rounds back off too, and one success resets them', () => {
    const schedule = new PollSchedule(1_000, 8_000);
    schedule.roundDone(false);
    schedule.roundDone(false);
    assert.equal(schedule.nextDelay(), 4_000);
    for (let i = 0; i < 40; i++) {
      schedule.roundDone(false);
    }
    assert.equal(schedule.nextDelay(), 8_000, 'capped, never Infinity');
    schedule.roundDone(true);
    assert.equal(schedule.nextDelay(), 1_000);
  });

  it('interval 0 is off; a cap below the interval never shortens it', () => {
    const off = new PollSchedule(0);
    assert.equal(off.enabled, false);
    assert.equal(off.nextDelay(), undefined);
    off.setInterval(5_000);
    assert.equal(off.nextDelay(), 5_000);
    const long = new PollSchedule(600_000, 60_000);
    assert.equal(long.nextDelay(), 600_000);
  });
});

describe('common/Poller: rounds on a timer, one at a time', () => {
  const waitFor = (test: () => boolean, what: string) => eventually(test, what, 5_000, 5);

  it('runs rounds on the interval and stops when disposed', async () => {
    let rounds = 0;
    const poller = new Poller(new PollSchedule(10), async () => {
      rounds++;
      return true;
    });
    poller.start();
    await waitFor(() => rounds >= 3, 'three rounds');
    poller.dispose();
    const after = rounds;
    // No round is the finding: six intervals' time for one to start wrongly.
    await pause(60);
    assert.ok(rounds <= after + 1, `no rounds after dispose (${rounds} vs ${after})`);
  });

  it('never runs two rounds at once; now() during a round runs one more after it', async () => {
    let active = 0;
    let maxActive = 0;
    let rounds = 0;
    let release!: () => void;
    const poller = new Poller(new PollSchedule(0), async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      rounds++;
      await new Promise<void>((r) => (release = r));
      active--;
      return true;
    });
    const first = poller.now();
    void poller.now();
    void poller.now();
    release();
    await first;
    await waitFor(() => rounds === 2, 'the second round');
    release();
    // No third round is the finding: time for one to start wrongly.
    await pause(20);
    assert.equal(maxActive, 1);
    assert.equal(rounds, 2, 'the calls during a round collapse into one');
    poller.dispose();
  });

  it('focus regained runs a round at once even with a long interval', async () => {
    let rounds = 0;
    const poller = new Poller(new PollSchedule(3_600_000), async () => {
      rounds++;
      return true;
    });
    poller.start();
    poller.setFocused(false);
    assert.equal(rounds, 0);
    poller.setFocused(true);
    await waitFor(() => rounds === 1, 'a round on focus');
    poller.dispose();
  });
});
