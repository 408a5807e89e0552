import { randomBytes, randomUUID } from 'node:crypto';
import { createHandler } from '../../functions/abort-stuck-changes/handler.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';
import { loadConfig } from '../../shared/config/config.js';
import type { Credentials } from '../../shared/core/credentials.js';
import type { RunReport } from '../../shared/pipeline/run-requests.js';
import { resolveRegions } from '../../shared/pipeline/runtime.js';
import { HandlerThrewError } from '../errors.js';
import { EXIT, type ExitCode, exitCodeForResult } from '../exit-codes.js';
import { summaryHeading } from '../local-run.js';
import { describeWrite, outcomeTable } from '../output.js';
import {
  buildRuntime,
  DEMO_SCENARIO,
  defaultContext,
  type ScenarioSandbox,
  sandboxEnv,
  slsEnv,
  startScenario,
  stderrLine,
} from '../setup.js';

export interface StartOptions {
  /** With real credentials: really abort (otherwise the sweep runs in dry-run). */
  enforce?: boolean;
  /** Also start the SLS stand-in and write the records there. */
  sls?: boolean;
}

/** The demo's alarm names shop-gray's change: not idle long enough for the sweep, but the alarm is the signal. */
const DEMO_ALARM_CHANGE = 'wc-5d3a963d5802611c4ddc0007';
/** The demo's manual abort names billing-staging's paused change: an operator may abort a paused change. */
const DEMO_MANUAL_CHANGE = 'wc-5d3a963d5802611c4ddc0004';

/**
 * `webplus-abort start [--enforce] [--sls]`: the main job on the embedded default.
 * Without Alibaba Cloud credentials: the Web+ sandbox seeded with the demo scenario, then a sweep
 * (timer event), one alarm (EventBridge event) and one manual abort (HTTP `POST /abort`) through
 * the real handler. With credentials: one sweep of real Web+, in dry-run unless `--enforce`.
 * Prints a table per invocation and where the records went.
 * @throws ConfigError / PolicyError (exit 2), HandlerThrewError (exit 3).
 */
export async function startCommand(options: StartOptions): Promise<ExitCode> {
  let sandbox: ScenarioSandbox | undefined;
  let sls: SlsStandIn | undefined;
  try {
    const probe = loadConfig(process.env);
    const realCredentials = probe.envCredentials;
    let env: NodeJS.ProcessEnv = { ...process.env };
    let credentials: Credentials;
    const token = `demo-${randomBytes(12).toString('hex')}`;
    if (realCredentials) {
      credentials = realCredentials;
      const where = resolveRegions(probe)
        .map((r) => `${r.regionId} (${r.endpoint})`)
        .join(', ');
      if (!options.enforce) env.ABORT_DRY_RUN = 'true';
      stderrLine(
        options.enforce
          ? `webplus-abort: Alibaba Cloud credentials found: sweeping real Web+ in ${where} in ENFORCE mode (stuck changes will be aborted)`
          : `webplus-abort: Alibaba Cloud credentials found: sweeping real Web+ in ${where} in dry-run (pass --enforce to abort)`,
      );
    } else {
      stderrLine(
        'webplus-abort: no Alibaba Cloud credentials in the environment (ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET): using the local Web+ sandbox with the demo scenario',
      );
      sandbox = await startScenario(DEMO_SCENARIO);
      credentials = sandbox.credentials;
      env = { ...sandboxEnv(env, sandbox.sandbox.url), HTTP_AUTH_TOKENS: token };
      stderrLine(`webplus-abort: Web+ sandbox at ${sandbox.sandbox.url}`);
    }
    if (options.sls) {
      sls = await startSlsStandIn({ credentials: [credentials] });
      env = slsEnv(env, sls.url);
      stderrLine(`webplus-abort: SLS stand-in at ${sls.url}`);
    }

    const { runtime } = buildRuntime(env);
    let last: RunReport | undefined;
    const handler = createHandler(runtime, (report) => {
      last = report;
    });
    const events: Array<{ label: string; event: unknown }> = [
      { label: 'sweep (timer)', event: timerEvent() },
    ];
    if (sandbox) {
      events.push(
        { label: 'alarm (EventBridge)', event: alarmEvent(DEMO_ALARM_CHANGE) },
        { label: 'manual abort (HTTP POST /abort)', event: abortEvent(DEMO_MANUAL_CHANGE, token) },
      );
    }

    let code: ExitCode = EXIT.ok;
    for (const { label, event } of events) {
      last = undefined;
      const context = defaultContext(credentials);
      let result: Awaited<ReturnType<typeof handler>>;
      try {
        result = await handler(Buffer.from(JSON.stringify(event)), context);
      } catch (err) {
        throw new HandlerThrewError(err);
      }
      const eventCode = exitCodeForResult(result);
      if (eventCode > code) code = eventCode;
      const report = last as RunReport | undefined;
      if (report) {
        process.stdout.write(`\n${summaryHeading(report.summary, label)}\n`);
        process.stdout.write(`${outcomeTable(report.summary.results)}\n`);
        process.stdout.write(`${describeWrite(report.write)}\n`);
      } else {
        process.stdout.write(`\n${label}: answered ${JSON.stringify(result)}\n`);
      }
    }

    if (sls) {
      const logs = sls.logs();
      process.stdout.write(
        `\nSLS stand-in holds ${logs.length} log(s) in webplus-abort-demo/outcomes:\n`,
      );
      process.stdout.write(
        `${outcomeTable(
          logs.map((l) => ({
            time: l.contents.time,
            changeId: l.contents.changeId,
            envId: l.contents.envId,
            outcome: l.contents.outcome ?? '?',
            attempts: l.contents.attempts,
            detail: l.contents.detail,
            errorCode: l.contents.errorCode,
            errorMessage: l.contents.errorMessage,
          })),
          { withTime: true },
        )}\n`,
      );
    }
    return code;
  } finally {
    await sandbox?.sandbox.close();
    await sls?.close();
  }
}

/** A timer trigger event (FC: `{triggerTime, triggerName, payload}`), payload empty = plain sweep. */
function timerEvent() {
  return {
    triggerTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    triggerName: 'webplus-abort-start',
    payload: '',
  };
}

/** A CloudMonitor alert delivered by EventBridge, naming a change in its dimensions. */
function alarmEvent(changeId: string) {
  const ruleId = 'alarmRule_uuid_webplusabortdemo0001';
  const now = Date.now();
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'acs.cms',
    type: 'cms:CloudMonitor:AlertWebHook',
    subject: `acs.cms:cn-hangzhou:1234567890123456:${ruleId}`,
    time: new Date(now).toISOString(),
    datacontenttype: 'application/json;charset=utf-8',
    aliyunaccountid: '1234567890123456',
    aliyunregionid: 'cn-hangzhou',
    data: {
      alertName: 'webplus-deploy-5xx',
      alertState: 'ALERT',
      triggerLevel: 'CRITICAL',
      preTriggerLevel: 'OK',
      metricName: 'code5XX',
      namespace: 'acs_customMetric_1234567890123456',
      ruleId,
      curValue: '37',
      timestamp: String(now),
      dimensions: `{userId=1234567890123456, changeId=${changeId}}`,
    },
  };
}

/** An FC 3.0 HTTP event: `POST /abort` with a bearer token. */
function abortEvent(changeId: string, token: string) {
  const now = Date.now();
  const requestId = `cli-${randomUUID()}`;
  return {
    version: 'v1',
    rawPath: '/abort',
    body: JSON.stringify({ changeIds: [changeId], note: 'webplus-abort start: demo manual abort' }),
    isBase64Encoded: false,
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
      'User-Agent': 'webplus-abort-cli',
    },
    queryParameters: {},
    requestContext: {
      requestId,
      http: {
        method: 'POST',
        path: '/abort',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'webplus-abort-cli',
      },
      time: new Date(now).toISOString(),
      timeEpoch: String(now),
    },
  };
}
