import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig, RETIRED_VARIABLES } from '#shared/config/config.js';
import { classifyEvent } from '#shared/intake/classify.js';
import { RecentEvents } from '#shared/intake/recent-events.js';
import { platformRuntime } from '#shared/pipeline/runtime.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundlePath = join(root, 'dist', 'index.js');
const RESOURCE = 'abort-stuck-changes';

interface Trigger {
  triggerName: string;
  triggerType: string;
  triggerConfig: Record<string, unknown>;
}

interface Props {
  runtime: string;
  code: string;
  handler: string;
  memorySize: number;
  timeout: number;
  environmentVariables: Record<string, string>;
  instanceLifecycleConfig: { initializer: { handler: string; timeout: number } };
  asyncInvokeConfig: { maxAsyncRetryAttempts: number };
  triggers: Trigger[];
}

function loadProject(file: string): { doc: Record<string, unknown>; props: Props } {
  const doc = parse(readFileSync(join(root, file), 'utf8')) as Record<string, unknown>;
  const resources = doc.resources as Record<string, { component: string; props: Props }>;
  const resource = resources[RESOURCE];
  if (!resource) throw new Error(`${file} has no resource ${RESOURCE}`);
  expect(resource.component).toBe('fc3');
  return { doc, props: resource.props };
}

function trigger(props: Props, type: string, name?: string): Trigger {
  const found = props.triggers.filter(
    (t) => t.triggerType === type && (name === undefined || t.triggerName === name),
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

/**
 * A value as Serverless Devs 3 resolves it (https://docs.serverless-devs.com/serverless-devs/variables):
 * `${env('NAME')}`, `${env('NAME', 'default')}` (the deploying shell's variable, else the
 * default) and `${vars.key}` (the file's `vars`, themselves resolved). Anything else is refused,
 * so a form this test does not know cannot pass unnoticed.
 */
function resolveDevs(
  value: string,
  env: Record<string, string>,
  vars: Record<string, string> = {},
): string {
  return value.replace(/\$\{([^}]*)\}/g, (_, expr: string) => {
    const e = /^env\('([A-Z0-9_]+)'(?:,\s*'([^']*)')?\)$/.exec(expr);
    if (e) {
      const got = env[e[1]!];
      if (got !== undefined) return got;
      if (e[2] === undefined) throw new Error(`\${${expr}}: ${e[1]} is not set and has no default`);
      return e[2];
    }
    const v = /^vars\.([A-Za-z0-9_]+)$/.exec(expr);
    if (v) {
      const got = vars[v[1]!];
      if (got === undefined) throw new Error(`\${${expr}}: no such var`);
      return got;
    }
    throw new Error(`\${${expr}}: not a form this test resolves`);
  });
}

/**
 * The environment FC gives the function when `file` is deployed from a shell holding `shell`:
 * the file's variables resolved, plus what FC sets itself (`FC_REGION` = the resource's
 * region, `FC_FUNCTION_NAME`).
 */
function deployedEnv(file: string, shell: Record<string, string>): Record<string, string> {
  const { doc, props } = loadProject(file);
  const withRole = { FC_ROLE_ARN: 'acs:ram::1234567890123456:role/webplus-abort', ...shell };
  const vars: Record<string, string> = {};
  for (const [k, raw] of Object.entries((doc.vars ?? {}) as Record<string, unknown>))
    vars[k] = resolveDevs(String(raw), withRole, vars);
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(props.environmentVariables))
    out[k] = resolveDevs(String(raw), withRole, vars);
  const region = resolveDevs(
    String((props as unknown as { region: string }).region),
    withRole,
    vars,
  );
  return { ...out, FC_REGION: region, FC_FUNCTION_NAME: 'abort-stuck-changes' };
}

/** `module.exports.<name>` of `index.handler` / `index.initialize`. */
function exportName(handler: string): string {
  const [file, name] = handler.split('.');
  expect(file).toBe('index');
  return name!;
}

/** One field of a 6-field FC cron expression (seconds first): `*`, `N`, `A-B`, lists, `/step`, `?`. */
function validCronField(field: string, min: number, max: number): boolean {
  if (field === '?') return true;
  return field.split(',').every((part) => {
    const match = /^(\*|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(part);
    if (!match) return false;
    const [, range, step] = match;
    if (step !== undefined && (Number(step) < 1 || Number(step) > max)) return false;
    if (range === '*') return true;
    const [lo, hi = lo] = range!.split('-').map(Number) as [number, number?];
    return lo >= min && hi! <= max && lo <= hi!;
  });
}

describe('s.yaml (FC 3.0, fc3 component)', () => {
  let bundle: Record<string, unknown>;

  beforeAll(() => {
    if (!existsSync(bundlePath)) {
      execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root });
    }
    bundle = createRequire(import.meta.url)(bundlePath) as Record<string, unknown>;
  }, 60_000);

  it('deploys the bundle: handler and initializer exist as functions in dist/index.js', () => {
    // Arrange
    const { props } = loadProject('s.yaml');
    // Act
    const handlerName = exportName(props.handler);
    const initializerName = exportName(props.instanceLifecycleConfig.initializer.handler);
    // Assert
    expect(props.runtime).toBe('nodejs20');
    expect(props.code).toBe('./dist');
    expect(typeof bundle[handlerName]).toBe('function');
    expect(typeof bundle[initializerName]).toBe('function');
    expect(props.memorySize).toBe(256);
    expect(props.timeout).toBe(60);
    expect(props.asyncInvokeConfig.maxAsyncRetryAttempts).toBe(0);
  });

  it('keeps only the bundle files in dist/ (the code folder)', () => {
    const files = readdirSync(join(root, 'dist'));
    const shipped = [
      'index.js',
      'yaml.js',
      'sls-sdk.js',
      'platforms.js',
      'notify-targets.js',
      'package.json',
      'sls.proto',
    ];
    expect(files).toEqual(expect.arrayContaining(shipped));
    for (const file of files) {
      expect(['.fcignore', ...shipped]).toContain(file);
    }
    expect(JSON.parse(readFileSync(join(root, 'dist', 'package.json'), 'utf8'))).toEqual({
      type: 'commonjs',
    });
  });

  it('.fcignore lets every file of the code folder into the deployed zip, and nothing else', () => {
    // Arrange: the zip filter (ignore everything, then `!file` per kept file)
    const lines = readFileSync(join(root, '.fcignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    // Act
    const kept = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    const built = readdirSync(join(root, 'dist')).filter((f) => f !== '.fcignore');
    // Assert: a chunk file missing here would be left out of the zip (every request needing it
    // would be a ChunkLoadFailed record)
    expect(lines[0]).toBe('*');
    expect([...kept].sort()).toEqual([...built].sort());
    expect(readFileSync(join(root, 'dist', '.fcignore'), 'utf8')).toBe(
      readFileSync(join(root, '.fcignore'), 'utf8'),
    );
  });

  it.each(['s.yaml', 's-prod.yaml'])('%s sets only variables from CONFIG_VARIABLES', (file) => {
    // Arrange
    const { props } = loadProject(file);
    const known: readonly string[] = CONFIG_VARIABLES;
    // Act
    const names = Object.keys(props.environmentVariables);
    // Assert
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect(known, `${file}: ${name}`).toContain(name);
      expect(name.startsWith('ALIBABA_CLOUD_'), `${file}: ${name} is a key`).toBe(false);
      expect(name.startsWith('FC_'), `${file}: ${name} uses the reserved prefix`).toBe(false);
    }
  });

  it('s-prod.yaml starts in dry-run', () => {
    const { props } = loadProject('s-prod.yaml');
    expect(props.environmentVariables.ABORT_DRY_RUN).toBe('true');
  });

  it('has a timer cron of 6 valid fields (seconds first)', () => {
    // Arrange
    const { props } = loadProject('s.yaml');
    const cron = String(trigger(props, 'timer').triggerConfig.cronExpression);
    const ranges: [number, number][] = [
      [0, 59],
      [0, 59],
      [0, 23],
      [1, 31],
      [1, 12],
      [0, 6],
    ];
    // Act
    const fields = cron.trim().split(/\s+/);
    // Assert
    expect(cron).toBe('0 */5 * * * *');
    expect(fields).toHaveLength(6);
    fields.forEach((field, i) => {
      const [min, max] = ranges[i]!;
      expect(validCronField(field, min, max), `field ${i + 1}: ${field}`).toBe(true);
    });
  });

  it('rejects bad cron fields (the checker itself)', () => {
    expect(validCronField('60', 0, 59)).toBe(false);
    expect(validCronField('*/0', 0, 59)).toBe(false);
    expect(validCronField('5-2', 0, 59)).toBe(false);
    expect(validCronField('a', 0, 59)).toBe(false);
    expect(validCronField('1,15,30', 0, 59)).toBe(true);
  });

  it('gives the timer a payload the timer parser accepts: a sweep with no invalid inputs', () => {
    // Arrange
    const { props } = loadProject('s.yaml');
    const timer = trigger(props, 'timer');
    const payload = timer.triggerConfig.payload;
    expect(typeof payload).toBe('string');
    const event = {
      triggerTime: '2026-05-20T02:00:00Z',
      triggerName: timer.triggerName,
      payload,
    };
    // Act
    const result = classifyEvent(Buffer.from(JSON.stringify(event)), {
      authTokens: [],
      maxBodyBytes: 262144,
      maxIds: 100,
      version: 'test',
      recentEvents: new RecentEvents(),
    });
    // Assert
    expect(result.kind).toBe('requests');
    if (result.kind !== 'requests') return;
    expect(result.requests).toHaveLength(1);
    const request = result.requests[0]!;
    expect(request.kind).toBe('sweep');
    expect(request.invalid).toEqual([]);
    expect(request).toMatchObject({ maxIdleMinutes: 30 });
  });

  it.each(['s.yaml', 's-prod.yaml'])(
    "%s: the timer payload's schedule is the trigger's cronExpression (the rotation counts its runs; red-team 11 F3)",
    (file) => {
      const { props } = loadProject(file);
      const timer = trigger(props, 'timer');
      const payload = JSON.parse(String(timer.triggerConfig.payload)) as { schedule?: string };
      expect(payload.schedule).toBe(String(timer.triggerConfig.cronExpression));
    },
  );

  it('has an EventBridge filter that is JSON and matches the CloudMonitor fixture', () => {
    // Arrange
    const { props } = loadProject('s.yaml');
    const eb = trigger(props, 'eventbridge', 'cms-alerts');
    const fixture = JSON.parse(
      readFileSync(join(root, 'test', 'fixtures', 'eventbridge-cms-alert.json'), 'utf8'),
    ) as { source: string; type: string };
    // Act
    const pattern = JSON.parse(String(eb.triggerConfig.eventRuleFilterPattern)) as {
      source: string[];
      type: string[];
    };
    // Assert
    expect(pattern.source).toContain(fixture.source);
    expect(pattern.type).toContain(fixture.type);
    expect(eb.triggerConfig.asyncInvocationType).toBe(true);
  });

  it('has an anonymous HTTP trigger for POST and GET', () => {
    const http = trigger(loadProject('s.yaml').props, 'http');
    expect(http.triggerConfig.authType).toBe('anonymous');
    expect([...(http.triggerConfig.methods as string[])].sort()).toEqual(['GET', 'POST']);
  });

  describe.each(['s.yaml', 's-prod.yaml'])('%s enables platforms by configuration', (file) => {
    it("PLATFORMS, SAE_REGIONS and EDAS_REGIONS come from the file's vars; the deployed defaults pass cold start with Web+ only", () => {
      const { props } = loadProject(file);
      // Serverless Devs placeholders, written as the file has them (not JS templates).
      const devs = (name: string) => ['$', '{vars.', name, '}'].join('');
      expect(props.environmentVariables.PLATFORMS).toBe(devs('platforms'));
      expect(props.environmentVariables.SAE_REGIONS).toBe(devs('saeRegions'));
      expect(props.environmentVariables.EDAS_REGIONS).toBe(devs('edasRegions'));
      const config = loadConfig(deployedEnv(file, {}));
      expect(config.platforms).toEqual(['webplus']);
      const platforms = platformRuntime(config);
      expect(platforms.sae.regions).toEqual([]);
      expect(platforms.edas.regions).toEqual([]);
    });

    it('has the SAE / EDAS events trigger, whose filter matches the SAE and EDAS fixtures', () => {
      const { props } = loadProject(file);
      const eb = trigger(props, 'eventbridge', 'sae-edas-events');
      expect(eb.triggerConfig).toMatchObject({ triggerEnable: true, asyncInvocationType: true });
      const pattern = JSON.parse(String(eb.triggerConfig.eventRuleFilterPattern)) as {
        source: string[];
        type: string[];
      };
      for (const name of [
        'eventbridge-sae-change-order-fail.json',
        'eventbridge-sae-wait-batch-confirm.json',
        'eventbridge-edas-change-order-failed.json',
      ]) {
        const fixture = JSON.parse(readFileSync(join(root, 'test', 'fixtures', name), 'utf8')) as {
          source: string;
          type: string;
        };
        expect(pattern.source, name).toContain(fixture.source);
        expect(pattern.type, name).toContain(fixture.type);
      }
    });
  });

  it('s.yaml takes the platforms and regions from the deploying shell, as the function reads them', () => {
    const env = deployedEnv('s.yaml', {
      PLATFORMS: 'webplus,sae,edas',
      SAE_REGIONS: 'cn-shanghai,cn-hangzhou',
      EDAS_REGIONS: 'cn-beijing',
      FC_DEPLOY_REGION: 'cn-shenzhen',
    });
    const config = loadConfig(env);
    expect(config.platforms).toEqual(['webplus', 'sae', 'edas']);
    const platforms = platformRuntime(config);
    expect(platforms.sae.regions.map((r) => r.endpoint)).toEqual([
      'https://sae.cn-shanghai.aliyuncs.com',
      'https://sae.cn-hangzhou.aliyuncs.com',
    ]);
    expect(platforms.edas.regions.map((r) => r.regionId)).toEqual(['cn-beijing']);
    // SAE_REGIONS left empty: the function's region (FC_REGION = the deploy region).
    const fallback = loadConfig(
      deployedEnv('s.yaml', { PLATFORMS: 'sae', FC_DEPLOY_REGION: 'cn-shenzhen' }),
    );
    expect(fallback.saeRegions).toEqual(['cn-shenzhen']);
    // A typo in the deploying shell stops the cold start (the initializer), naming the variable.
    expect(() => loadConfig(deployedEnv('s.yaml', { PLATFORMS: 'webplus,sea' }))).toThrow(
      'invalid PLATFORMS',
    );
  });

  it('no file sets the retired SAE_REGION / EDAS_REGION', () => {
    for (const file of ['s.yaml', 's-prod.yaml']) {
      const names = Object.keys(loadProject(file).props.environmentVariables);
      for (const [old] of RETIRED_VARIABLES) expect(names, file).not.toContain(old);
    }
  });
});
