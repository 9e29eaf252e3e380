// Issue 14: the Edge TPU services behind the inspector's Edge TPU tab: the check on an open model
// (validated arguments, the engine's report) and whether edgetpu_compiler is installed.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import type { EdgeTpuCheckReport, EdgeTpuCompilerStatus, ModelHandle } from '../../main/contract/types';
import { value } from '../support/services-harness';
import { SHARED, sharedPath } from '../support/shared';

const services = createServices({ mode: 'browser', version: '0.0.0-test', allowedFolders: [SHARED] });
afterAll(() => services.dispose());
const input = sharedPath('models', 'coral', 'mobilenet_v1_0.25_128_quant.tflite');

describe.skipIf(!fs.existsSync(input))('edgetpu services', () => {
  it('edgetpu.check: MobileNet maps entirely; bad arguments are INVALID_ARGUMENT', async () => {
    const handle = value<ModelHandle>(await services.handle('model.open', { path: input }));
    const r = value<EdgeTpuCheckReport>(await services.handle('edgetpu.check', { modelId: handle.id }));
    expect(r.totals).toEqual({ edgeTpu: 31, cpu: 0, total: 31 });
    expect(r.firstUnmapped).toBeNull();
    const bad = await services.handle('edgetpu.check', { modelId: handle.id, extra: 1 });
    expect(!bad.ok && bad.error.code).toBe('INVALID_ARGUMENT');
  });

  it('edgetpu.compiler: absent here, with how to get it', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const s = value<EdgeTpuCompilerStatus>(await services.handle('edgetpu.compiler', {}));
      expect(s.path).toBeNull();
      expect(s.howTo).toMatch(/apt-get install edgetpu-compiler/);
    } finally {
      process.env.PATH = saved;
    }
  });
});
