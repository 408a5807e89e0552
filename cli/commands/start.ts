import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '#shared/config/config.js';
import type { Credentials } from '#shared/core/credentials.js';
import type { RunReport } from '#shared/pipeline/run-requests.js';
import { resolveRegions } from '#shared/pipeline/runtime.js';
import { createHandler } from '../../functions/abort-stuck-changes/handler.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';
import { describeResolved, resolveCredentials } from '../credentials.js';
import { HandlerThrewError } from '../errors.js';
import { EXIT, type ExitCode, exitCodeForResult } from '../exit-codes.js';
import { summaryHeading } from '../local-run.js';
import { fitLine, outcomeTable, runReport } from '../output.js';
import { notifyFailureLine } from '../render/notified.js';
import { countingPacer, startProgress } from '../render/progress.js';
import { terminalColumns } from '../render/style.js';
import { fitText } from '../render/table.js';
import type { SandboxPlatforms } from '../sandbox-platforms.js';
import {
  buildRuntime,
  defaultContext,
  type ScenarioSandbox,
  START_SCENARIO,
  sandboxEnv,
  scenarioPlatforms,
  slsEnv,
  startScenario,
  stderrLine,
} from '../setup.js';
import { type CloudOptions, emulatorUrls } from '../target.js';

export interface StartOptions extends CloudOptions {
  /** With real credentials: really abort (otherwise the sweep runs in dry-run). */
  enforce?: boolean;
  /** Also start the SLS stand-in and write the records there. */
  sls?: boolean;
  /** `--wide`: tables at full width, nothing wrapped. */
  wide?: boolean;
}

/** The demo's alarm names shop-gray's change: not idle long enough for the sweep, but the alarm is the signal. */
const DEMO_ALARM_CHANGE = 'wc-5d3a963d5802611c4ddc0007';
/** The demo's manual abort names billing-staging's paused change: an operator may abort a paused change. */
const DEMO_MANUAL_CHANGE = 'wc-5d3a963d5802611c4ddc0004';

/**
 * `webplus-abort start [--enforce] [--sls] [--wide] [--profile NAME] [--region ID]`: the main
 * job on the embedded default. Credentials are looked for like the aliyun CLI does
 * (cli/credentials.ts). None found: the Web+ sandbox seeded with the demo scenario, then a sweep
 * (timer event), one alarm (EventBridge event) and one manual abort (HTTP `POST /abort`) through
 * the real handler. Found: one sweep of real Web+, in dry-run unless `--enforce`. Prints, per
 * invocation, a table, the summary line and where the records went; then the next step.
 * @throws CredentialsError (a broken credential source), ConfigError / PolicyError (exit 2),
 *   HandlerThrewError (exit 3).
 */
export async function startCommand(options: StartOptions): Promise<ExitCode> {
  let sandbox: ScenarioSandbox | undefined;
  let sls: SlsStandIn | undefined;
  let platforms: SandboxPlatforms | undefined;
  try {
    const resolved = await resolveCredentials(options);
    const probe = loadConfig({ ...process.env, FC_REGION: resolved.region });
    let env: NodeJS.ProcessEnv = { ...process.env, FC_REGION: resolved.region };
    let credentials: Credentials;
    const token = `demo-${randomBytes(12).toString('hex')}`;
    if (resolved.credentials) {
      credentials = resolved.credentials;
      const where = resolveRegions(probe)
        .map((r) => `${r.regionId} (${r.endpoint})`)
        .join(', ');
      if (!options.enforce) env.ABORT_DRY_RUN = 'true';
      stderrLine(`webplus-abort: ${describeResolved(resolved)}`);
      stderrLine(
        options.enforce
          ? `webplus-abort: sweeping real Web+ in ${where} in ENFORCE mode (stuck changes will be aborted)`
          : `webplus-abort: sweeping real Web+ in ${where} in dry-run (pass --enforce to abort)`,
      );
    } else {
      stderrLine(
        `webplus-abort: no Alibaba Cloud credentials (looked for: ${resolved.source.description.replace(/^none \((.*)\)$/, '$1')}): using the local Web+ sandbox with the demo scenario`,
      );
      sandbox = await startScenario(START_SCENARIO);
      credentials = sandbox.credentials;
      // The demo's PLATFORMS, when the caller set none: the platforms its scenario has.
      platforms = sandboxEnv(env, sandbox, scenarioPlatforms(sandbox.emulators));
      env = { ...platforms.env, HTTP_AUTH_TOKENS: token };
      stderrLine(`webplus-abort: ${emulatorUrls(sandbox)}`);
    }
    if (options.sls) {
      sls = await startSlsStandIn({ credentials: [credentials] });
      env = slsEnv(env, sls.url);
      stderrLine(`webplus-abort: SLS stand-in at ${sls.url}`);
    }

    const { runtime } = buildRuntime(env, platforms ? { sandbox: platforms } : {});
    const counter = { done: 0, inFlight: 0 };
    runtime.pacer = countingPacer(runtime.pacer, counter);
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
      const context = defaultContext(credentials, { region: resolved.region });
      const startedMs = Date.now();
      const stopProgress = startProgress(process.stderr, { label, counter });
      let result: Awaited<ReturnType<typeof handler>>;
      try {
        result = await handler(Buffer.from(JSON.stringify(event)), context);
      } catch (err) {
        throw new HandlerThrewError(err);
      } finally {
        stopProgress();
      }
      const eventCode = exitCodeForResult(result);
      if (eventCode > code) code = eventCode;
      const report = last as RunReport | undefined;
      if (report) {
        process.stdout.write(
          `\n${fitLine(summaryHeading(report.summary, label), { wide: options.wide })}\n`,
        );
        const hint = sandbox
          ? undefined
          : {
              command: 'start',
              dryRun: report.summary.dryRun,
              enforceCommand: 'npm start -- --enforce',
            };
        process.stdout.write(
          `${runReport(report.records, report.write, Date.now() - startedMs, hint, { wide: options.wide }, report.notification)}\n`,
        );
        const failedNotify = report.notification
          ? notifyFailureLine(report.notification.report.targets)
          : undefined;
        if (failedNotify) stderrLine(failedNotify);
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
            envName: l.contents.envName,
            appId: l.contents.appId,
            appName: l.contents.appName,
            platform: l.contents.platform,
            outcome: l.contents.outcome ?? '?',
            attempts: l.contents.attempts,
            detail: l.contents.detail,
            errorCode: l.contents.errorCode,
            errorMessage: l.contents.errorMessage,
          })),
          { withTime: true, wide: options.wide },
        )}\n`,
      );
    }
    if (sandbox) {
      const lines = [
        sls
          ? 'next: the SLS stand-in stopped with `start`; `npx webplus-abort sandbox --sls` keeps one running and prints the environment for `npx webplus-abort setup-sls` and `npx webplus-abort log --sls --summary`;'
          : `next: \`npx webplus-abort log\` lists the records (${runtime.outcomeLog.store.target});`,
        '`npx webplus-abort sweep --dry-run --scenario sandbox/scenarios/demo.json` sweeps alone;',
        'with credentials (`aliyun configure`, or ALIBABA_CLOUD_ACCESS_KEY_ID and _SECRET) `npm start` sweeps your own Web+ in dry-run.',
      ];
      const text = lines.filter((l) => l !== '').join(' ');
      process.stdout.write(
        `\n${options.wide ? text : fitText(text, terminalColumns(process.stdout), 6)}\n`,
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
