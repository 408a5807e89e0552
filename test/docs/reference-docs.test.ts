/**
 * docs/reference/ stays true to the code: every environment variable, outcome, Web+ action, CLI
 * command and HTTP route the code knows is documented there, the documented defaults are the
 * ones loadConfig applies, and every scenario sample is a valid scenario.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '#shared/config/config.js';
import { ROUTES } from '#shared/intake/http/route.js';
import { OUTCOMES } from '#shared/model/record.js';
import { WEBPLUS_ACTIONS } from '#shared/webplus/actions.js';
import { ACTIONS, parseScenario } from '../../sandbox/webplus/index.js';
import { scenarioSchema } from '../../sandbox/webplus/scenario.js';

const reference = join(import.meta.dirname, '../../docs/reference');
const read = (name: string) => readFileSync(join(reference, name), 'utf8');

/** Every table row of a markdown text, as trimmed cells (`\|` inside a cell kept). */
function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}

/** The first table row whose first cell is `key` (bare or in backticks, alone or in a comma list). */
function rowOf(markdown: string, key: string): string[] | undefined {
  return tableRows(markdown).find((cells) =>
    (cells[0] ?? '').split(/,\s*/).some((c) => c === key || c === `\`${key}\``),
  );
}

describe('docs/reference/configuration.md', () => {
  const md = read('configuration.md');

  it('has a row for every variable loadConfig reads', () => {
    const missing = CONFIG_VARIABLES.filter((name) => rowOf(md, name) === undefined);
    expect(missing).toEqual([]);
  });

  it('documents the defaults loadConfig applies outside FC', () => {
    const config = loadConfig({});
    const documented = (name: string) => rowOf(md, name)?.at(-1);
    expect(config.webplusEndpoint).toBeUndefined();
    expect(documented('WEBPLUS_ENDPOINT')).toBe('none: from the endpoint map');
    expect(config.webplusRegions).toEqual(['cn-hangzhou']);
    expect(documented('WEBPLUS_REGIONS')).toBe(
      "`FC_REGION` (the function's own region), else `cn-hangzhou`",
    );
    expect(config.saeRegions).toEqual(['cn-hangzhou']);
    expect(config.edasRegions).toEqual(['cn-hangzhou']);
    for (const name of ['SAE_REGIONS', 'EDAS_REGIONS'])
      expect(documented(name)).toBe("`FC_REGION` (the function's own region), else `cn-hangzhou`");
    expect(documented('SAE_QPS')).toBe(`\`${config.saeQps}\``);
    expect(documented('EDAS_QPS')).toBe(`\`${config.edasQps}\``);
    expect(documented('OUTCOME_LOG_FILE')).toBe(`\`${config.outcomeLogFile}\``);
    expect(documented('HTTP_MAX_BODY_BYTES')).toBe(`\`${config.httpMaxBodyBytes}\``);
    expect(documented('HTTP_MAX_IDS')).toBe(`\`${config.httpMaxIds}\``);
    expect(documented('ABORT_DRY_RUN')).toBe(`\`${config.dryRun}\``);
    expect(documented('WEBPLUS_CONCURRENCY')).toBe(`\`${config.webplusConcurrency}\``);
    expect(documented('WEBPLUS_QPS')).toBe(`\`${config.webplusQps}\``);
    expect(documented('RETRY_MAX_ATTEMPTS')).toBe(`\`${config.retryMaxAttempts}\``);
    expect(documented('RETRY_BASE_MS')).toBe(`\`${config.retryBaseMs}\``);
    expect(documented('RETRY_MAX_DELAY_MS')).toBe(`\`${config.retryMaxDelayMs}\``);
    expect(documented('ATTEMPT_TIMEOUT_MS')).toBe(`\`${config.attemptTimeoutMs}\``);
    expect(documented('DEADLINE_MARGIN_MS')).toBe(`\`${config.deadlineMarginMs}\``);
    expect(config.logStore).toBe('file');
    expect(documented('LOG_STORE')).toContain('elsewhere `file`');
  });
});

describe('docs/reference/record.md', () => {
  it('explains every outcome in its table', () => {
    const md = read('record.md');
    const missing = OUTCOMES.filter((o) => rowOf(md, o) === undefined);
    expect(missing).toEqual([]);
  });
});

describe('docs/reference/webplus-api.md', () => {
  it('gives method and path of every action the client calls, as the client sends them', () => {
    const md = read('webplus-api.md');
    for (const [action, { method, path }] of Object.entries(WEBPLUS_ACTIONS)) {
      expect(rowOf(md, action)?.[1], action).toBe(`${method} \`${path}\``);
    }
    expect([...ACTIONS].sort()).toEqual(Object.keys(WEBPLUS_ACTIONS).sort());
  });
});

describe('docs/reference/http-api.md', () => {
  it('lists every route with its method', () => {
    const md = read('http-api.md');
    for (const [path, method] of Object.entries(ROUTES)) {
      expect(rowOf(md, `${method} ${path}`), path).toBeDefined();
    }
  });
});

describe('docs/reference/cli.md', () => {
  it('has a section for every command', () => {
    const md = read('cli.md');
    for (const command of ['start', 'invoke', 'sweep', 'abort', 'serve', 'sandbox', 'log']) {
      expect(md).toMatch(new RegExp(`^### \`${command}[ \`]`, 'm'));
    }
  });
});

describe('docs/reference/scenario.md', () => {
  type Shaped = { shape: Record<string, unknown> };
  const top = (scenarioSchema as unknown as Shaped).shape;
  const changeKeys = Object.keys(((top.changes as { element: unknown }).element as Shaped).shape);

  it('has a row for every top-level key and every change key the scenario schema accepts', () => {
    const md = read('scenario.md');
    const keys = [...Object.keys(top), ...changeKeys];
    expect(keys.length).toBeGreaterThan(25);
    expect(keys.filter((key) => rowOf(md, key) === undefined)).toEqual([]);
  });

  it('every JSON sample is a valid scenario', () => {
    const md = read('scenario.md');
    const blocks = [...md.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    for (const block of blocks) {
      const scenario = parseScenario(JSON.parse(block));
      expect(scenario.changes[0]?.ChangeId).toBe('wc-5d3a963d5802611c4ddc0001');
    }
  });
});
