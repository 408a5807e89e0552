/**
 * Red-team 12 F6, end to end: SLS (or a proxy in front of it) quotes the caller's
 * `Authorization: LOG <keyid>:<signature>` header back in its error. The records fall back to
 * stdout; neither they, the warnings nor the summary carry the key id and signature. Through
 * the real handler and the real @alicloud/log SDK signing to the SLS stand-in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, scenario, timerEvent } from '../helpers/world.js';

const STS = {
  accessKeyId: 'STS.echo-authorization-ak',
  accessKeySecret: 'Q7xKp2Lm9Vt4Rw8Zs1Nd6Hf3Jc0Yb5Ge',
  securityToken: 'CAISk3Vq8Tz1Wm6Rp4Xs9Ly2Nb7Hd5+/0123456789abcdefghijklmnopqrstuvwxyz==',
};

let h: Harness | undefined;
let sls: SlsStandIn | undefined;
afterEach(async () => {
  await h?.close();
  await sls?.close();
  h = undefined;
  sls = undefined;
});

describe('red-team 12 F6: an SLS echo of Authorization: LOG keyid:sig', () => {
  it('the key id and signature are in no stdout line, warning or summary', async () => {
    // Arrange
    sls = await startSlsStandIn({ credentials: [STS] });
    sls.setFailure({ kind: 'echo-authorization' });
    h = await startHarness(
      { ...scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]), credentials: [STS] },
      {
        env: {
          LOG_STORE: 'sls',
          SLS_ENDPOINT: sls.url,
          SLS_PROJECT: 'webplus-abort',
          SLS_LOGSTORE: 'outcomes',
          ABORT_DRY_RUN: 'true',
        },
      },
    );

    // Act
    const result = await h.handler(timerEvent(), fakeContext({ credentials: STS }));

    // Assert: the stand-in really answered with the echo, and the records fell back to stdout.
    expect(sls.journal().some((j) => j.code === 'SignatureNotMatch')).toBe(true);
    const fallback = h.stdoutLines.filter((l) => l.includes('logWriteFailed'));
    expect(fallback.length).toBeGreaterThan(0);
    const outputs = [...h.stdoutLines, ...h.warnings, JSON.stringify(result)];
    expect(outputs.join('\n')).toContain('Authorization: LOG [redacted]');
    for (const text of outputs) {
      expect(text).not.toContain(STS.accessKeyId);
      expect(text).not.toMatch(/LOG\s+(?!\[redacted\])[A-Za-z0-9]/);
    }
  });
});
