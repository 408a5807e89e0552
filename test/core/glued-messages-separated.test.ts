/**
 * A transport message is never glued to the request line (issue 15, trial difficulty 9:
 * `connect ECONNREFUSED 127.0.0.1:9GET http://…`, httpx's `err.message +=`). The kind: every
 * place a message is glued to a request line gets `; ` between them. Checked on generated
 * messages against a plain oracle, and through the built CLI against a closed loopback port for
 * Web+ and SAE (the two transports).
 */
import { createServer } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { separateGluedMessages } from '#shared/core/text.js';
import { cliEnv, runCli } from '../helpers/cli-run.js';

describe('separateGluedMessages', () => {
  it('puts "; " before every glued request line, changes nothing else', () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE');
    const head = fc.stringMatching(/^[A-Za-z0-9 .:_-]{0,40}[A-Za-z0-9.:]$/);
    fc.assert(
      fc.property(head, method, fc.constantFrom('http', 'https'), (before, m, scheme) => {
        const glued = `${before}${m} ${scheme}://h/p failed.`;
        const out = separateGluedMessages(glued);
        // oracle: the same text with the separator spliced in at the glue point
        expect(out).toBe(`${before}; ${m} ${scheme}://h/p failed.`);
        // already separated: unchanged
        expect(separateGluedMessages(`${before} ${m} ${scheme}://h`)).toBe(
          `${before} ${m} ${scheme}://h`,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('through the CLI: a closed port, Web+ and SAE', () => {
  it('every FAIL line separates the socket error from the request line', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const run = await runCli(
      ['doctor', '--platform', 'webplus,sae', '--wide'],
      cliEnv({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'testakid0001',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'testsecret0001',
        WEBPLUS_ENDPOINT: url,
        SAE_ENDPOINT: url,
      }),
    );
    const fails = run.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(fails).toHaveLength(2);
    for (const line of fails) {
      expect(line).toContain(`connect ECONNREFUSED 127.0.0.1:${port}; GET ${url}/`);
      expect(line).not.toMatch(/\dGET http/);
    }
  });
});
