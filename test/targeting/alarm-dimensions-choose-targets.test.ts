/**
 * C01 follow-up: which changes an alarm's dimensions target.
 * A `changeId` dimension names the change (never the environment's newer in-flight deploy), and a
 * JSON array of dimension objects may name several changes: each one is acted on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { freshAlarm } from '../helpers/world.js';

const fixtures = join(import.meta.dirname, '../fixtures');
const demo = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../sandbox/scenarios/demo.json'), 'utf8'),
);

function callback(dimensions: string): Buffer {
  const event = JSON.parse(
    freshAlarm(readFileSync(join(fixtures, 'cms-callback-alert.json'), 'utf8')).toString(),
  );
  const form = new URLSearchParams(event.body);
  form.set('dimensions', dimensions);
  event.body = form.toString();
  return Buffer.from(JSON.stringify(event));
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('C01: alarm dimensions choose the targets', () => {
  it('changeId and envId together: only the named change is acted on', async () => {
    // Arrange: wc-...0006 is an old finished change of we-...0001, whose newest change is stuck
    h = await startHarness(demo);

    // Act
    const res = await h.handler(
      callback(
        '{userId=1, changeId=wc-5d3a963d5802611c4ddc0006, envId=we-5d39b8ba6786bd4b14950001}',
      ),
      fakeContext(),
    );

    // Assert
    const body = JSON.parse((res as { body: string }).body);
    expect(
      body.results.map((r: { changeId: string; outcome: string }) => [r.changeId, r.outcome]),
    ).toEqual([['wc-5d3a963d5802611c4ddc0006', 'already_finished']]);
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(h.sandbox.change('wc-5d3a963d5802611c4ddc0001')?.ChangeFinished).toBe(false);
  });

  it('a JSON array naming two changes aborts both, one record each', async () => {
    // Arrange
    h = await startHarness(demo);
    const dims = JSON.stringify([
      { userId: '1', changeId: 'wc-5d3a963d5802611c4ddc0001' },
      { userId: '1', changeId: 'wc-5d3a963d5802611c4ddc0002' },
    ]);

    // Act
    await h.handler(callback(dims), fakeContext());

    // Assert
    const records = h.records().map((r) => [r.changeId, r.outcome]);
    expect(records.sort()).toEqual([
      ['wc-5d3a963d5802611c4ddc0001', 'aborted'],
      ['wc-5d3a963d5802611c4ddc0002', 'aborted'],
    ]);
    expect(h.sandbox.abortCalls()).toBe(2);
  });

  it('a callback whose only id is malformed writes one invalid record and nothing else', async () => {
    // Arrange
    h = await startHarness(demo);

    // Act
    const res = await h.handler(
      callback('{userId=1, changeId=wc-x&ChangeId=wc-other}'),
      fakeContext(),
    );

    // Assert
    expect((res as { statusCode: number }).statusCode).toBe(200);
    expect(h.records().map((r) => r.outcome)).toEqual(['invalid']);
    expect(h.sandbox.journal()).toHaveLength(0);
  });
});
