/**
 * Issue 18 (item 6): limits on concurrent jobs through the services. Worker jobs beyond the
 * limit are queued (their progress says "queued") and beyond the queue refused (BUSY, one line);
 * a second flash to a port that is already being flashed is refused, and the port is free again
 * once the first flash has ended.
 */
import { describe, expect, it } from 'vitest';
import type { ModelHandle } from '../../main/contract/types';
import { createServices } from '../../main/services';
import { SHARED, sharedPath } from '../support/shared';
import { collect, servicesWithFakeStm32, value } from '../support/services-harness';

const HELLO = sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite');
const MODEL_AT = 0x08020000;

describe('job limits through the services', { timeout: 60_000 }, () => {
  it('worker jobs: queued beyond maxRunning, refused beyond the queue', async () => {
    const services = createServices({
      mode: 'browser',
      version: 't',
      allowedFolders: [SHARED],
      jobLimits: { maxRunning: 1, maxQueued: 1 },
    });
    const { progress, waitFor } = collect(services);
    try {
      const h = value<ModelHandle>(await services.handle('model.open', { path: HELLO }));
      const start = () => services.handle('jobs.start', { kind: 'model.verify', params: { modelId: h.id } });
      const a = value<{ jobId: string }>(await start());
      const b = value<{ jobId: string }>(await start());
      const c = await start();
      expect(!c.ok && c.error.code).toBe('INVALID_ARGUMENT');
      expect(!c.ok && c.error.message).toMatch(/^busy: .*wait for one to finish or cancel one$/);
      expect((await waitFor(a.jobId)).status).toBe('succeeded');
      expect((await waitFor(b.jobId)).status).toBe('succeeded');
      expect(progress.find((p) => p.jobId === b.jobId)?.stage).toBe('queued');
    } finally {
      await services.dispose();
    }
  });

  it('one flash per port: a second is refused while the first runs, accepted after it', async () => {
    const { services, sim } = await servicesWithFakeStm32();
    const { waitFor } = collect(services);
    try {
      const h = value<ModelHandle>(await services.handle('model.open', { path: HELLO }));
      const flash = (port: string) =>
        services.handle('jobs.start', {
          kind: 'deploy.flash',
          params: { modelId: h.id, port, protocol: 'stm32', address: MODEL_AT },
        });
      const first = value<{ jobId: string }>(await flash('fake'));
      const second = await flash('fake');
      expect(!second.ok && second.error).toEqual({
        code: 'INVALID_ARGUMENT',
        message: 'busy: a flash to "fake" is already running: wait for it to finish or cancel it',
      });
      // Another port is another device: not refused by this one's flash.
      const other = value<{ jobId: string }>(await flash('/dev/lowbit-no-such-port'));
      const f = await waitFor(other.jobId);
      expect(f.status !== 'succeeded' && f.error.code).toBe('DEVICE_NOT_FOUND');
      expect((await waitFor(first.jobId)).status).toBe('succeeded');
      const again = value<{ jobId: string }>(await flash('fake'));
      value(await services.handle('jobs.cancel', { jobId: again.jobId }));
      await waitFor(again.jobId);
    } finally {
      sim.stop();
      await services.dispose();
    }
  });
});
