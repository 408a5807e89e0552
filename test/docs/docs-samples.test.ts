import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edasPlatform } from '#shared/edas/platform.js';
import { parsePolicyText } from '#shared/policy/load.js';
import { saePlatform } from '#shared/sae/platform.js';
import { startEdasSandbox } from '../../sandbox/edas/server.js';
import { checkDingtalk } from '../../sandbox/notify/verify.js';
import { startSaeSandbox } from '../../sandbox/sae/server.js';
import { parseScenario } from '../../sandbox/webplus/index.js';

const docs = join(import.meta.dirname, '../../docs');

describe('docs/sandbox.md samples', () => {
  it('every JSON scenario in the guide is a valid scenario', () => {
    const md = readFileSync(join(docs, 'sandbox.md'), 'utf8');
    const blocks = [...md.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    for (const block of blocks) {
      const scenario = parseScenario(JSON.parse(block));
      const orders =
        (scenario.sae?.changeOrders.length ?? 0) + (scenario.edas?.changeOrders.length ?? 0);
      expect(scenario.changes.length + orders).toBeGreaterThan(0);
    }
  });
});

describe('docs/sandbox.md two-region SAE sample', () => {
  it('serves each region by the Host the function sends for it', async () => {
    const md = readFileSync(join(docs, 'sandbox.md'), 'utf8');
    const block = [...md.matchAll(/```json\n([\s\S]*?)```/g)]
      .map((m) => JSON.parse(m[1]!) as { sae?: { apps?: { regionId?: string }[] } })
      .find((b) => b.sae?.apps?.some((a) => a.regionId !== undefined));
    expect(block).toBeDefined();
    const keys = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };
    const sae = await startSaeSandbox(block);
    const region = (r: string) =>
      saePlatform({ endpoint: sae.url, credentials: keys, host: `sae.${r}.aliyuncs.com` });
    const hz = region('cn-hangzhou');
    const sh = region('cn-shanghai');
    try {
      const opts = { timeoutMs: 5000 };
      const page = { pageNumber: 1, pageSize: 10 };
      expect((await hz.listApps(page, opts)).items.map((a) => a.appName)).toEqual(['checkout']);
      expect((await sh.listApps(page, opts)).items.map((a) => a.appName)).toEqual(['search']);
      const ref = { platform: 'sae' as const, changeId: 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5eb002' };
      expect((await sh.readChange(ref, opts)).state).toBe('in_flight');
      await expect(hz.readChange(ref, opts)).rejects.toMatchObject({ kind: 'not_found' });
      expect(sae.journal().map((e) => e.regionId)).toEqual([
        'cn-hangzhou',
        'cn-shanghai',
        'cn-shanghai',
        'cn-hangzhou',
      ]);
    } finally {
      hz.close();
      sh.close();
      await sae.close();
    }
  });
});

describe('docs/sandbox.md SAE and EDAS sample', () => {
  it('serves its change orders through the real clients', async () => {
    const md = readFileSync(join(docs, 'sandbox.md'), 'utf8');
    const block = [...md.matchAll(/```json\n([\s\S]*?)```/g)]
      .map((m) => JSON.parse(m[1]!) as Record<string, unknown>)
      .find((b) => b.sae && b.edas);
    expect(block).toBeDefined();
    const keys = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };
    const sae = await startSaeSandbox(block);
    const edas = await startEdasSandbox(block);
    const saeClient = saePlatform({ endpoint: sae.url, credentials: keys });
    const edasClient = edasPlatform({ endpoint: edas.url, credentials: keys });
    try {
      const opts = { timeoutMs: 5000 };
      const saeOrder = await saeClient.readChange(
        { platform: 'sae', changeId: 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0001' },
        opts,
      );
      expect([saeOrder.state, saeOrder.rawStatus]).toEqual(['paused', '8/0']);
      const edasOrder = await edasClient.readChange(
        { platform: 'edas', changeId: '28ab8de8-22b9-430d-9952-00f676930001' },
        opts,
      );
      expect(edasOrder.state).toBe('in_flight');
      // the scripted fault answers the first abort with Throttling.User, the next one normally
      await expect(
        saeClient.abortChange(
          { platform: 'sae', changeId: saeOrder.changeId },
          { rollback: false },
          opts,
        ),
      ).rejects.toMatchObject({ kind: 'throttled' });
      await saeClient.abortChange(
        { platform: 'sae', changeId: saeOrder.changeId },
        { rollback: false },
        opts,
      );
      expect(sae.statusOf(saeOrder.changeId)).toBe(6);
    } finally {
      saeClient.close();
      edasClient.close();
      await sae.close();
      await edas.close();
    }
  });
});

describe('notification samples (docs/operator-guide.md, docs/reference/notifications.md)', () => {
  it('every policy YAML with a notify section validates, and its targets name variables only', () => {
    for (const file of ['operator-guide.md', 'reference/notifications.md']) {
      const md = readFileSync(join(docs, file), 'utf8');
      const blocks = [...md.matchAll(/```yaml\n([\s\S]*?)```/g)]
        .map((m) => m[1]!)
        .filter((b) => b.includes('notify:'));
      expect(blocks.length, file).toBeGreaterThanOrEqual(1);
      for (const block of blocks) {
        const policy = parsePolicyText(block, file);
        expect(policy.notify.targets.length).toBeGreaterThan(0);
        for (const t of policy.notify.targets) expect(t.urlEnv).toMatch(/^[A-Z][A-Z0-9_]*$/);
      }
    }
  });

  it("the operator guide's inline POLICY for s.yaml validates and names variables only", () => {
    const md = readFileSync(join(docs, 'operator-guide.md'), 'utf8');
    const lines = [...md.matchAll(/^POLICY: '(.+)'$/gm)].map((m) => m[1]!);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) {
      const policy = parsePolicyText(line, 'operator-guide.md POLICY');
      expect(policy.notify.targets.map((t) => t.kind)).toEqual(['dingtalk', 'slack']);
      for (const t of policy.notify.targets) {
        expect(md).toContain(`${t.urlEnv}: \${env('${t.urlEnv}')}`);
        if (t.secretEnv) expect(md).toContain(`${t.secretEnv}: \${env('${t.secretEnv}')}`);
      }
    }
  });

  it('the DingTalk body shown in the operator guide is what the receiver accepts', () => {
    const md = readFileSync(join(docs, 'operator-guide.md'), 'utf8');
    const body = [...md.matchAll(/```json\n([\s\S]*?)```/g)]
      .map(
        (m) =>
          JSON.parse(m[1]!) as { msgtype?: string; markdown?: { title: string; text: string } },
      )
      .find((b) => b.msgtype === 'markdown');
    expect(body?.markdown?.text.startsWith(`#### ${body?.markdown?.title}`)).toBe(true);
    const check = checkDingtalk(
      {
        method: 'POST',
        path: '/robot/send',
        query: new URLSearchParams({ access_token: 't' }),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
      't',
      undefined,
      Date.now(),
    );
    expect(check.accepted).toBe(true);
  });
});
