import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyEvent, type IntakeOptions, type IntakeResult } from '#shared/intake/classify.js';
import { RecentEvents } from '#shared/intake/recent-events.js';

const TOKEN = 'local-dev-token-0001';

function options(): IntakeOptions {
  return {
    authTokens: [TOKEN],
    maxBodyBytes: 4096,
    maxIds: 5,
    version: '0.1.0',
    recentEvents: new RecentEvents(),
  };
}

function checkReply(result: IntakeResult): void {
  if (result.kind !== 'http-reply') return;
  const status = result.response.statusCode;
  expect((status >= 200 && status < 300) || (status >= 400 && status < 500)).toBe(true);
  expect(() => JSON.parse(result.response.body)).not.toThrow();
  expect(result.warning ?? '').not.toContain(TOKEN);
}

const idLike = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'wc-5d3a963d5802611c4ddc0001',
    ' we-5d39b8ba6786bd4b14950001 ',
    'wa-5d39b8ba6786bd4b14950001',
    '',
  ),
);
const bodyJson = fc.oneof(
  fc.string(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        changeIds: fc.oneof(fc.array(idLike), idLike, fc.anything()),
        envIds: fc.array(idLike),
        dryRun: fc.anything(),
        note: fc.anything(),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
);
const httpStruct = fc.record(
  {
    version: fc.oneof(fc.constant('v1'), fc.anything()),
    rawPath: fc.oneof(
      fc.constantFrom('/abort', '/sweep', '/cms-callback', '/health', '/', '/abort/'),
      fc.string(),
      fc.anything(),
    ),
    body: fc.oneof(bodyJson, fc.anything()),
    isBase64Encoded: fc.oneof(fc.boolean(), fc.anything()),
    headers: fc.oneof(
      fc.dictionary(
        fc.constantFrom('Authorization', 'x-abort-token', 'X-ABORT-TOKEN', 'content-type', 'other'),
        fc.oneof(fc.string(), fc.constant(`Bearer ${TOKEN}`), fc.constant(TOKEN)),
      ),
      fc.anything(),
    ),
    queryParameters: fc.oneof(
      fc.dictionary(
        fc.constantFrom('changeIds', 'envIds', 'dryRun', 'token', 'note'),
        fc.oneof(fc.string(), fc.constant(TOKEN)),
      ),
      fc.anything(),
    ),
    requestContext: fc.oneof(
      fc.record(
        {
          requestId: fc.oneof(fc.string(), fc.anything()),
          http: fc.oneof(
            fc.record(
              { method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'post'), fc.anything()) },
              { requiredKeys: [] },
            ),
            fc.anything(),
          ),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    ),
  },
  { requiredKeys: [] },
);

describe('classifyEvent never throws', () => {
  it('for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const result = classifyEvent(Buffer.from(bytes), options());
        expect(['requests', 'http', 'http-reply']).toContain(result.kind);
        checkReply(result);
      }),
      { numRuns: 500 },
    );
  });

  it('for arbitrary JSON values and nested junk, as Buffer or as object', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 6 }), (value) => {
        const asObject = classifyEvent(value, options());
        checkReply(asObject);
        let text: string | undefined;
        try {
          text = JSON.stringify(value);
        } catch {
          text = undefined;
        }
        if (text !== undefined) checkReply(classifyEvent(Buffer.from(text), options()));
      }),
      { numRuns: 500 },
    );
  });

  it('for arbitrary HTTP structs: every reply is JSON with a 2xx/4xx status, no token leaks', () => {
    fc.assert(
      fc.property(httpStruct, (struct) => {
        const result = classifyEvent(Buffer.from(JSON.stringify(struct) ?? ''), options());
        checkReply(result);
        expect(JSON.stringify(result)).not.toContain(TOKEN);
        if (result.kind === 'http' && result.request.kind === 'abort') {
          for (const id of result.request.changeIds) expect(id).toMatch(/^wc-[0-9a-f]{24}$/);
          for (const id of result.request.envIds) expect(id).toMatch(/^we-[0-9a-f]{24}$/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('for deeply nested and large inputs', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(classifyEvent(Buffer.from(deep), options()).kind).toBe('requests');
    const deepObject = `{"specversion":"1.0","id":"x","type":"cms:CloudMonitor:AlertWebHook","data":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    expect(classifyEvent(Buffer.from(deepObject), options()).kind).toBe('requests');
    const huge = Buffer.alloc(5 * 1024 * 1024, 0x41);
    expect(classifyEvent(huge, options()).kind).toBe('requests');
  });
});
