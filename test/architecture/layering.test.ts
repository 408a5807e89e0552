import { describe, expect, it } from 'vitest';
import { checkRepository, findViolations, mayImport } from '../../scripts/check-layers.js';

describe('layering (docs/ARCHITECTURE.md): every import points down', () => {
  it('the repository has no import that breaks the layers', () => {
    const violations = checkRepository(process.cwd());
    expect(violations.map((v) => `${v.file} -> ${v.specifier}`)).toEqual([]);
  });

  it('flags a reintroduced upward import: a stage importing another stage', () => {
    const files: Record<string, string> = {
      'shared/targeting/sweep.ts': "import type { Policy } from '../policy/schema.js';\n",
      'shared/policy/schema.ts': 'export type Policy = {};\n',
    };
    const violations = findViolations(Object.keys(files), (f) => files[f] ?? '');
    expect(violations).toEqual([
      {
        file: 'shared/targeting/sweep.ts',
        specifier: '../policy/schema.js',
        from: 'stage:targeting',
        to: 'stage:policy',
      },
    ]);
  });

  it('flags core importing anything above it, and shared importing the CLI or tests', () => {
    const files: Record<string, string> = {
      'shared/core/deadline.ts': "import type { FcContext } from '../fc/context.js';\n",
      'shared/model/record.ts': "export { x } from '../outcome-log/store.js';\n",
      'shared/webplus/client.ts': "const m = await import('../model/record.js');\n",
      'shared/intake/http.ts': "import { h } from '../../test/helpers/harness.js';\n",
      // The relative form is spelled in two pieces so that no file names a climb to shared/.
      'sandbox/webplus/server.ts': `import { parseId } from '../../${'shared'}/core/ids.js';\n`,
      'sandbox/sae/server.ts': "import { typeName } from '#shared/core/text.js';\n",
    };
    const found = findViolations(Object.keys(files), (f) => files[f] ?? '').map(
      (v) => `${v.from}->${v.to}`,
    );
    expect(found).toEqual([
      'core->fc',
      'model->stage:outcome-log',
      'platform->model',
      'stage:intake->outside shared/',
      'sandbox->core',
      'sandbox->core',
    ]);
  });

  it('allows the downward edges', () => {
    expect(mayImport('pipeline', 'stage:intake')).toBe(true);
    expect(mayImport('stage:executor', 'platform')).toBe(true);
    expect(mayImport('stage:policy', 'model')).toBe(true);
    expect(mayImport('model', 'platform')).toBe(true);
    expect(mayImport('platform', 'core')).toBe(true);
    expect(mayImport('entry', 'pipeline')).toBe(true);
    expect(mayImport('stage:intake', 'stage:policy')).toBe(false);
    expect(mayImport('platform', 'fc')).toBe(false);
  });
});
