import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../sandbox/webplus/errors.js';
import { loadScenarioFile, parseScenario, parseSettings } from '../../sandbox/webplus/scenario.js';

const minimal = {
  apps: [{ AppId: 'wa-1', AppName: 'shop' }],
  envs: [{ EnvId: 'we-1', AppId: 'wa-1', EnvName: 'shop-prod' }],
  changes: [{ ChangeId: 'wc-1', EnvId: 'we-1', startedMinutesAgo: 10, idleMinutes: 5 }],
};

function errorOf(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScenarioError) return err;
    throw err;
  }
  throw new Error('expected a ScenarioError');
}

describe('parseScenario', () => {
  it('fills every default of a minimal scenario', () => {
    const s = parseScenario(minimal);

    expect(s.credentials).toEqual([
      { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' },
    ]);
    expect(s.latencyMs).toBe(0);
    expect(s.qpsLimit).toBeNull();
    expect(s.maxInFlight).toBeNull();
    expect(s.pageSizeMax).toBe(100);
    expect(s.faults).toEqual([]);
    expect(s.randomFaults).toBeUndefined();
    expect(s.envs[0]?.EnvStatus).toBe('RUNNING');
    expect(s.changes[0]).toMatchObject({
      ActionName: 'Apply',
      abortStepSeconds: 5,
      finished: false,
      paused: false,
      foreign: false,
    });
  });

  it('is idempotent on its own output', () => {
    const once = parseScenario(minimal);

    expect(parseScenario(once)).toEqual(once);
  });

  it('accepts absolute times, foreign changes and every fault response form', () => {
    const s = parseScenario({
      ...minimal,
      changes: [
        { ChangeId: 'wc-2', EnvId: 'we-other', foreign: true, CreateTime: 1000, UpdateTime: 2000 },
      ],
      randomFaults: { transient: 0.1, permanent: 0.05, seed: 7 },
      faults: [
        {
          action: 'AbortChange',
          changeId: 'wc-2',
          responses: [
            { status: 503, code: 'ServiceUnavailable' },
            { status: 502, contentType: 'text/html', body: '<html>502</html>' },
            { delayMs: 4000 },
            { reset: true },
            { reset: true, applied: true },
            { status: 429 },
            'ok',
          ],
        },
      ],
    });

    expect(s.faults[0]?.responses).toHaveLength(7);
    expect(s.changes[0]?.CreateTime).toBe(1000);
  });

  it('names the field path of a wrong type', () => {
    const err = errorOf(() =>
      parseScenario({
        ...minimal,
        changes: [{ ChangeId: 'wc-1', EnvId: 'we-1', idleMinutes: 'x' }],
      }),
    );

    expect(err.path).toBe('changes[0].idleMinutes');
    expect(err.message).toContain('changes[0].idleMinutes');
  });

  it('rejects a missing required list, unknown keys and dangling references', () => {
    expect(errorOf(() => parseScenario({ apps: [], envs: [] })).path).toBe('changes');
    expect(errorOf(() => parseScenario({ ...minimal, latncyMs: 5 })).message).toContain('latncyMs');
    expect(
      errorOf(() =>
        parseScenario({ ...minimal, envs: [{ EnvId: 'we-1', AppId: 'wa-x', EnvName: 'e' }] }),
      ).path,
    ).toBe('envs[0].AppId');
    expect(
      errorOf(() => parseScenario({ ...minimal, changes: [{ ChangeId: 'wc-1', EnvId: 'we-9' }] }))
        .path,
    ).toBe('changes[0].EnvId');
  });

  it('rejects duplicate ids and impossible change states', () => {
    const dup = { ChangeId: 'wc-1', EnvId: 'we-1' };
    expect(errorOf(() => parseScenario({ ...minimal, changes: [dup, dup] })).path).toBe(
      'changes[1].ChangeId',
    );
    expect(
      errorOf(() =>
        parseScenario({
          ...minimal,
          changes: [{ ...dup, aborted: true, succeed: true, finished: true }],
        }),
      ).path,
    ).toBe('changes[0].aborted');
    expect(
      errorOf(() =>
        parseScenario({ ...minimal, changes: [{ ...dup, startedMinutesAgo: 5, idleMinutes: 9 }] }),
      ).path,
    ).toBe('changes[0].idleMinutes');
  });

  it('rejects malformed fault responses', () => {
    const bad = (response: unknown) =>
      errorOf(() =>
        parseScenario({ ...minimal, faults: [{ action: 'AbortChange', responses: [response] }] }),
      );

    expect(bad({ reset: true, status: 500 }).path).toContain('faults[0].responses[0]');
    expect(bad({ applied: true }).path).toContain('faults[0].responses[0]');
    expect(bad({ code: 'X' }).path).toContain('faults[0].responses[0]');
    expect(bad('nope').path).toContain('faults[0].responses[0]');
  });

  it('validates run-time settings the same way', () => {
    expect(parseSettings({ qpsLimit: null, latencyMs: 5 })).toEqual({
      qpsLimit: null,
      latencyMs: 5,
    });
    expect(errorOf(() => parseSettings({ maxInFlight: 0 })).path).toBe('maxInFlight');
  });
});

describe('loadScenarioFile', () => {
  it('loads the demo scenario with the ids the fixtures use', async () => {
    const s = await loadScenarioFile('sandbox/scenarios/demo.json');

    const ids = s.changes.map((c) => c.ChangeId);
    expect(ids).toContain('wc-5d3a963d5802611c4ddc0001');
    expect(ids).toContain('wc-5d3a963d5802611c4ddc0002');
    expect(s.envs.map((e) => e.EnvId)).toContain('we-5d39b8ba6786bd4b14950001');
    for (const id of [...ids, ...s.envs.map((e) => e.EnvId), ...s.apps.map((a) => a.AppId)]) {
      expect(id).toMatch(/^w[aec]-[0-9a-f]{24}$/);
    }
  });

  it('reports an unreadable file and bad JSON as ScenarioError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scenario-'));
    const file = join(dir, 'bad.json');
    await writeFile(file, '{not json');

    await expect(loadScenarioFile(join(dir, 'missing.json'))).rejects.toBeInstanceOf(ScenarioError);
    await expect(loadScenarioFile(file)).rejects.toThrow(/not JSON/);
  });
});
