/**
 * Red-team 24 F4 and 25 G7: a Web+ alarm names its region in up to five places (an EventBridge
 * envelope's `aliyunregionid` and `subject`, the alarm's `regionId` and `region` fields, a
 * region dimension in any spelling: `regionId`, `RegionId`, `region`, `REGION_ID`). Over
 * every combination of present, absent, equal, different and malformed values, through the real
 * intake (`eventBridgeRequests`): the request carries the region exactly when every place that
 * names one names the same region id; otherwise it is `ignored`, its detail naming the values,
 * and no ids reach targeting.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventBridgeRequests } from '#shared/intake/eventbridge/event.js';
import { RecentEvents } from '#shared/intake/recent-events.js';

const CHANGE = 'wc-5d3a963d5802611c4ddc0001';
const REGION = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;
const value = fc.option(
  fc.constantFrom('cn-hangzhou', 'cn-shanghai', 'ap-southeast-1', 'CN-HANGZHOU', 'hangzhou', '*'),
  { nil: undefined },
);

describe('the region a Web+ alarm names', () => {
  it('kept when every place agrees on one region id; ignored otherwise', () => {
    fc.assert(
      fc.property(
        value,
        value,
        value,
        value,
        value,
        // Red-team 25 G7: every spelling of the region dimension is read as the region.
        fc.constantFrom('regionId', 'RegionId', 'region', 'REGION_ID', 'region-id'),
        (envRegion, subject, field, dimension, regionField, dimensionKey) => {
          // Arrange
          const now = Date.now();
          const envelope: Record<string, unknown> = {
            specversion: '1.0',
            id: `evt-${Math.random()}`,
            source: 'acs.cms',
            type: 'cms:CloudMonitor:AlertWebHook',
            time: new Date(now - 30_000).toISOString(),
            ...(envRegion === undefined ? {} : { aliyunregionid: envRegion }),
            ...(subject === undefined ? {} : { subject: `acs.cms:${subject}:123:rule` }),
            data: {
              alertName: 'webplus-change-idle',
              alertState: 'ALERT',
              ruleId: 'rule-a',
              metricName: 'm',
              namespace: 'acs_customMetric_1',
              timestamp: String(now - 30_000),
              dimensions: `{changeId=${CHANGE}${dimension === undefined ? '' : `, ${dimensionKey}=${dimension}`}}`,
              ...(field === undefined ? {} : { regionId: field }),
              // An EventBridge `data.region` names the region too (G7).
              ...(regionField === undefined ? {} : { region: regionField }),
            },
          };

          // Act
          const [request] = eventBridgeRequests(envelope, new RecentEvents());

          // Assert
          const said = [envRegion, subject, field, dimension, regionField].filter(
            (v) => v !== undefined,
          );
          const agreed = said.every((v) => REGION.test(v) && v === said[0]);
          if (agreed) {
            expect(request).toMatchObject({ kind: 'alarm', changeIds: [CHANGE] });
            expect(request!.kind === 'alarm' ? request!.regionId : 'none').toBe(said[0]);
          } else {
            expect(request?.kind).toBe('ignored');
            const detail = request?.kind === 'ignored' ? request.detail : '';
            expect(detail).toMatch(/names (two regions|its region as .* which is not a region id)/);
            expect(detail).toContain('nothing is aborted (fail closed)');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
