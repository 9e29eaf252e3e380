/** Services in tests: results, job events, and services that flash an STM32 simulator. */
import type { JobFinished, JobProgress, Outcome } from '../../main/contract/types';
import { createFakeLink } from '../../main/devices/link/fake';
import { DeviceNotFoundError } from '../../main/engine/errors';
import { createServices } from '../../main/services';
import { Stm32Sim } from '../devices/sim/stm32-sim';
import { SHARED } from './shared';

/** A call's value, or the error as a thrown Error. */
export function value<T>(o: Outcome<unknown>): T {
  if (!o.ok) throw new Error(`${o.error.code}: ${o.error.message}`);
  return o.value as T;
}

/** Services whose port "fake" is an STM32 bootloader simulator (any other port is not found). */
export async function servicesWithFakeStm32() {
  const link = createFakeLink();
  const sim = new Stm32Sim(0x421);
  void sim.serve(link.device);
  await link.device.open();
  const services = createServices({
    mode: 'browser',
    version: 't',
    // `lowbit serve --allow ../shared`: the reference models the tests open by path.
    allowedFolders: [SHARED],
    openTransport: async (port) => {
      if (port !== 'fake') throw new DeviceNotFoundError(`${port}: no such port`);
      await link.host.open();
      return link.host;
    },
  });
  return { services, sim };
}

/** Collects the services' job events, and waits for a job to finish. */
export function collect(services: ReturnType<typeof createServices>) {
  const finished = new Map<string, JobFinished>();
  const progress: JobProgress[] = [];
  services.subscribe((m) => {
    if (m.event === 'jobs.finished') finished.set((m.payload as JobFinished).jobId, m.payload as JobFinished);
    if (m.event === 'jobs.progress') progress.push(m.payload as JobProgress);
  });
  const waitFor = async (jobId: string, ms = 30_000) => {
    const t0 = Date.now();
    while (!finished.has(jobId)) {
      if (Date.now() - t0 > ms) throw new Error(`job ${jobId} did not finish`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return finished.get(jobId)!;
  };
  return { progress, waitFor };
}
