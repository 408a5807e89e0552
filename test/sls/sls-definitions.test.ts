import { describe, expect, it } from 'vitest';
import { OUTCOMES } from '#shared/model/record.js';
import { RECORD_KEY_TYPES } from '#shared/model/record-keys.js';
import { fill, SLS_DEFINITIONS, slsResources } from '../../cli/sls-definitions.js';

describe('deploy/sls definitions', () => {
  it('the index has a typed field for every record key, and no other', () => {
    const keys = SLS_DEFINITIONS.index.keys as Record<string, { type: string }>;
    expect(Object.keys(keys).sort()).toEqual(Object.keys(RECORD_KEY_TYPES).sort());
    for (const [key, type] of Object.entries(RECORD_KEY_TYPES)) {
      expect(keys[key]?.type, key).toBe(type);
    }
  });

  it('every field is analysable (doc_value) and text fields are not case sensitive', () => {
    for (const [key, config] of Object.entries(SLS_DEFINITIONS.index.keys)) {
      const c = config as { doc_value?: boolean; type: string; caseSensitive?: boolean };
      expect(c.doc_value, key).toBe(true);
      if (c.type === 'text') expect(c.caseSensitive, key).toBe(false);
    }
  });

  it('queries name only outcomes that exist', () => {
    const text = JSON.stringify(SLS_DEFINITIONS);
    const named = [...text.matchAll(/outcome(?::| =|: ) ?'?([a-z_]+)'?/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(5);
    for (const outcome of named) expect(OUTCOMES, outcome).toContain(outcome);
  });

  it('fills only our placeholders, with JSON-safe values', () => {
    const filled = fill(SLS_DEFINITIONS.alert, {
      project: 'p"q',
      logstore: 'ls',
      region: 'cn-hangzhou',
      actionPolicyId: 'a',
    });
    const text = JSON.stringify(filled);
    expect(text).toContain('"project":"p\\"q"');
    expect(text).toContain('$' + '{failures}');
    expect(text).not.toMatch(/\$\{(project|logstore|region|actionPolicyId)\}/);
    expect(slsResources({ project: 'p', logstore: 'ls', region: 'r' })[0]).toMatchObject({
      kind: 'index',
      name: 'ls',
    });
  });
});
