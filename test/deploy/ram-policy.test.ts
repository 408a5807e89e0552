import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EDAS_ACTIONS } from '#shared/edas/actions.js';
import { SAE_ACTIONS } from '#shared/sae/actions.js';
import { WEBPLUS_ACTIONS } from '#shared/webplus/actions.js';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

const policy = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../docs/ram-policy.json'), 'utf8'),
) as { Version: string; Statement: Statement[] };

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

describe('docs/ram-policy.json (least privilege for the function role)', () => {
  it('is a version 1 policy of Allow statements', () => {
    expect(policy.Version).toBe('1');
    for (const statement of policy.Statement) expect(statement.Effect).toBe('Allow');
  });

  it('grants exactly the Web+ actions the client calls (WEBPLUS_ACTIONS), on Resource *', () => {
    // Arrange
    const expected = Object.keys(WEBPLUS_ACTIONS)
      .map((action) => `webplus:${action}`)
      .sort();
    // Act
    const webplus = policy.Statement.filter((s) =>
      list(s.Action).some((a) => a.startsWith('webplus:')),
    );
    const granted = webplus.flatMap((s) => list(s.Action)).sort();
    // Assert
    expect(granted).toEqual(expected);
    for (const statement of webplus) {
      expect(list(statement.Action).every((a) => a.startsWith('webplus:'))).toBe(true);
      expect(list(statement.Resource)).toEqual(['*']);
    }
  });

  it('grants only PostLogStoreLogs on one logstore (no wildcard action)', () => {
    // Act
    const log = policy.Statement.filter((s) => list(s.Action).some((a) => a.startsWith('log:')));
    // Assert
    expect(log).toHaveLength(1);
    expect(list(log[0]!.Action)).toEqual(['log:PostLogStoreLogs']);
    expect(list(log[0]!.Resource)).toEqual([
      'acs:log:<region>:<account>:project/<project>/logstore/<logstore>',
    ]);
  });

  it('grants nothing else', () => {
    const actions = policy.Statement.flatMap((s) => list(s.Action));
    for (const action of actions) {
      expect(action).toMatch(/^((webplus|sae|edas):[A-Za-z]+|log:PostLogStoreLogs)$/);
    }
  });
});

describe('docs/ram-policy.json: SAE and EDAS (docs/reference/sae-edas.md §2.8, §3.2)', () => {
  for (const [prefix, actions] of [
    ['sae:', SAE_ACTIONS],
    ['edas:', EDAS_ACTIONS],
  ] as const) {
    it(`grants exactly the ${prefix} RAM actions the client's calls need, on Resource *`, () => {
      const expected = [...new Set(Object.values(actions).map((a) => a.ram))].sort();
      const statements = policy.Statement.filter((s) =>
        list(s.Action).some((a) => a.startsWith(prefix)),
      );
      expect(statements).toHaveLength(1);
      expect(list(statements[0]!.Action).sort()).toEqual(expected);
      expect(list(statements[0]!.Resource)).toEqual(['*']);
    });
  }
});
