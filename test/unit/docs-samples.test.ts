import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sandbox/webplus/index.js';

const docs = join(import.meta.dirname, '../../docs');

describe('docs/sandbox.md samples', () => {
  it('every JSON scenario in the guide is a valid scenario', () => {
    const md = readFileSync(join(docs, 'sandbox.md'), 'utf8');
    const blocks = [...md.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    for (const block of blocks) {
      const scenario = parseScenario(JSON.parse(block));
      expect(scenario.changes.length).toBeGreaterThan(0);
    }
  });
});
