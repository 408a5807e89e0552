/**
 * Red-team 12 F5: an endpoint variable holding user info (`https://user:pass@host`) was accepted
 * and the password then reached records, logs and `doctor` wherever the endpoint is named. Every
 * endpoint variable (`WEBPLUS_ENDPOINT`, `SAE_ENDPOINT`, `EDAS_ENDPOINT`, `SLS_ENDPOINT`, the
 * CLI's `FC_ENDPOINT`) is refused at cold start with an error naming the variable, never
 * quoting the value; the SLS clients refuse it too without quoting it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/config.js';
import { ConfigError } from '#shared/config/errors.js';
import { endpointProblem } from '#shared/core/endpoint.js';
import { createSlsStore } from '#shared/outcome-log/sls-store.js';
import { createSlsAdmin } from '#shared/sls/admin-client.js';
import { invokeRemoteCommand } from '../../cli/commands/invoke-remote.js';
import { UsageError } from '../../cli/errors.js';
import { cliEnv, runCli } from '../helpers/cli-run.js';

const URL_VARIABLES = [
  'WEBPLUS_ENDPOINT',
  'SAE_ENDPOINT',
  'EDAS_ENDPOINT',
  'SLS_ENDPOINT',
] as const;

/** A password of the characters a URL's user info can hold, long enough to be recognised. */
const password = fc.stringMatching(/^[A-Za-z0-9._~!$'()*+;=-]{12,40}$/);
const user = fc.stringMatching(/^[A-Za-z0-9._~-]{0,12}$/);

/** The ways user info can be written before a host. */
const withUserInfo = fc
  .tuple(
    fc.constantFrom('https://', 'http://', 'HTTPS://'),
    user,
    password,
    fc.constantFrom('webplus.aliyuncs.com', '127.0.0.1:9100', 'cn-hangzhou.log.aliyuncs.com'),
    fc.constantFrom('plain', 'user-only', 'encoded', 'double-at'),
  )
  .map(([scheme, name, pass, host, shape]) => {
    const info =
      shape === 'user-only'
        ? pass
        : shape === 'encoded'
          ? `${name}:${encodeURIComponent(pass).replace(/[A-Za-z]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}`
          : `${name}:${pass}`;
    const value = `${scheme}${info}@${shape === 'double-at' ? `x@${host}` : host}`;
    return { value, pass, info };
  });

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig accepted the value');
}

describe('red-team 12 F5: endpoint variables with user info are refused, never quoted', () => {
  it('every endpoint variable refuses https://user:pass@host naming the variable, not the value', () => {
    for (const variable of URL_VARIABLES) {
      // Act
      const err = configError({
        LOG_STORE: 'stdout',
        [variable]: 'https://ops:Hunter2-pa55word@host.example',
      });
      // Assert
      expect(err.variable).toBe(variable);
      expect(err.message).toBe(
        `invalid ${variable}: must not hold a user name or password (user:password@host): keys go in the credentials, never in a URL; the value is not shown`,
      );
    }
  });

  it('SLS_ENDPOINT refuses a bare user:pass@host too (a bare host means HTTPS)', () => {
    const err = configError({
      LOG_STORE: 'stdout',
      SLS_ENDPOINT: 'ops:Hunter2-pa55word@cn-hangzhou.log.aliyuncs.com',
    });
    expect(err.variable).toBe('SLS_ENDPOINT');
    expect(err.message).not.toContain('Hunter2');
  });

  it('generated user info in any variable: refused, and no piece of it is in the message', () => {
    fc.assert(
      fc.property(
        withUserInfo,
        fc.constantFrom(...URL_VARIABLES),
        ({ value, pass, info }, variable) => {
          const err = configError({ LOG_STORE: 'stdout', [variable]: value });
          expect(err.variable).toBe(variable);
          expect(err.message).not.toContain(pass);
          expect(err.message).not.toContain(info);
          expect(err.message).toBe(
            `invalid ${variable}: must not hold a user name or password (user:password@host): keys go in the credentials, never in a URL; the value is not shown`,
          );
          expect(endpointProblem(value, true)).toBeDefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a query or fragment (a token pasted after ?) is refused as well; the normal forms still load', () => {
    for (const variable of URL_VARIABLES) {
      const err = configError({
        LOG_STORE: 'stdout',
        [variable]: 'https://host.example?token=abcdefgh12345678',
      });
      expect(err.message).not.toContain('abcdefgh');
    }
    const config = loadConfig({
      LOG_STORE: 'stdout',
      WEBPLUS_ENDPOINT: 'http://127.0.0.1:9100',
      SAE_ENDPOINT: 'https://sae.cn-hangzhou.aliyuncs.com',
      EDAS_ENDPOINT: 'http://localhost:9300',
      SLS_ENDPOINT: 'cn-hangzhou.log.aliyuncs.com',
    });
    expect(config.webplusEndpoint).toBe('http://127.0.0.1:9100');
    expect(config.saeEndpoint).toBe('https://sae.cn-hangzhou.aliyuncs.com');
    expect(config.edasEndpoint).toBe('http://localhost:9300');
    expect(config.slsEndpoint).toBe('cn-hangzhou.log.aliyuncs.com');
  });

  it('the SLS store and the SLS admin client refuse user info without quoting it (even a password with no user)', () => {
    for (const endpoint of [
      'https://:Hunter2-pa55word@127.0.0.1:1',
      'ops:Hunter2-pa55word@127.0.0.1:1',
    ]) {
      let caught: unknown;
      try {
        createSlsStore({ endpoint, project: 'p', logstore: 'l' });
      } catch (err) {
        caught = err;
      }
      expect(caught).toMatchObject({ name: 'OutcomeStoreError', code: 'InvalidEndpoint' });
      expect(String((caught as Error).message)).not.toContain('Hunter2');
      let admin: unknown;
      try {
        createSlsAdmin({
          endpoint,
          project: 'p',
          credentials: { accessKeyId: 'id', accessKeySecret: 'secret-0123456789' },
          region: 'cn-hangzhou',
        });
      } catch (err) {
        admin = err;
      }
      expect(admin).toMatchObject({ name: 'SlsApiError', code: 'InvalidEndpoint' });
      expect(String((admin as Error).message)).not.toContain('Hunter2');
    }
  });

  it('invoke --remote refuses FC_ENDPOINT with user info (exit 2 usage), naming FC_ENDPOINT only', async () => {
    let caught: unknown;
    try {
      await invokeRemoteCommand(
        { event: Buffer.from('{}'), functionName: 'f' },
        {
          FC_ENDPOINT: 'http://ops:Hunter2-pa55word@127.0.0.1:1',
          ALIBABA_CLOUD_ACCESS_KEY_ID: 'id',
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret-0123456789',
          ALIBABA_CLOUD_ACCOUNT_ID: '1234567890123456',
        },
      );
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(
      /^invalid FC_ENDPOINT: must not hold a user name or password/,
    );
    expect((caught as Error).message).not.toContain('Hunter2');
  });

  it('doctor with WEBPLUS_ENDPOINT holding user info: exit 2, the password in no output', async () => {
    const run = await runCli(
      ['doctor', '--json'],
      cliEnv({
        WEBPLUS_ENDPOINT: 'https://ops:Hunter2-pa55word@webplus.example',
        LOG_STORE: 'stdout',
      }),
    );
    expect(run.code).toBe(2);
    expect(`${run.stdout}${run.stderr}`).toContain('WEBPLUS_ENDPOINT');
    expect(`${run.stdout}${run.stderr}`).not.toContain('Hunter2');
    expect(`${run.stdout}${run.stderr}`).not.toContain('pa55word');
  });
});
