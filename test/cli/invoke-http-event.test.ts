/**
 * `invoke` with an HTTP trigger event, as docs/reference/cli.md ("invoke") describes it (issue 15,
 * second operator trial, difficulty 8): stdout is FC's HTTP response with the run summary as a
 * JSON string in `body`; the fixture's sandbox token must be in HTTP_AUTH_TOKENS, else 401 and
 * exit 1. Through the built CLI against the demo scenario.
 */
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli-run.js';

const ARGS = [
  'invoke',
  '--event',
  'test/fixtures/http-abort.json',
  '--scenario',
  'sandbox/scenarios/demo.json',
];

describe('invoke --event test/fixtures/http-abort.json', () => {
  it('with HTTP_AUTH_TOKENS=local-dev-token-0001: statusCode 200, the summary inside body', async () => {
    const run = await runCli(ARGS, cliEnv({ HTTP_AUTH_TOKENS: 'local-dev-token-0001' }));
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as { statusCode: number; body: string };
    expect(answer.statusCode).toBe(200);
    const summary = JSON.parse(answer.body) as {
      trigger: string;
      results: Array<{ changeId: string; outcome: string }>;
    };
    expect(summary.trigger).toBe('http');
    expect(summary.results.map((r) => r.changeId)).toEqual(['wc-5d3a963d5802611c4ddc0001']);
    expect(run.stdout).not.toContain('local-dev-token-0001');
  });

  it('without the token: statusCode 401, exit 1', async () => {
    const run = await runCli(ARGS, cliEnv());
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as { statusCode: number }).statusCode).toBe(401);
  });
});
