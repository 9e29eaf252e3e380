/**
 * Issue 18 (item 6): the JobManager runs at most maxRunning jobs (one worker thread each) at once,
 * queues up to maxQueued more (their first progress says "queued"), and refuses the next with a
 * one-line BUSY InvalidArgumentError. A queued job cancels at once, without a thread.
 */
import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../contract/types';
import { readBytes, sharedPath } from '../../test/support/shared';
import { defaultJobLimits, JobManager, type WorkerJobFinished } from './manager';

const hello = readBytes(sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite'));
const verifyParams = () => ({ bytes: hello.slice(), name: 'hello.tflite' });

function manager(maxRunning: number, maxQueued: number) {
  const progress: JobProgress[] = [];
  const finished: WorkerJobFinished[] = [];
  let peak = 0;
  const jobs: JobManager = new JobManager(
    {
      progress: (p) => {
        peak = Math.max(peak, jobs.activeJobs);
        progress.push(p);
      },
      finished: (f) => finished.push(f),
    },
    { maxRunning, maxQueued },
  );
  return { jobs, progress, finished, peak: () => peak };
}

describe('JobManager limits', { timeout: 60_000 }, () => {
  it('one slot: the second job is queued (and says so), the third is refused; both run in turn', async () => {
    const m = manager(1, 1);
    try {
      const a = m.jobs.start('model.verify', verifyParams());
      const b = m.jobs.start('model.verify', verifyParams());
      expect(m.jobs.activeJobs).toBe(1);
      expect(m.jobs.queuedJobs).toBe(1);
      expect(() => m.jobs.start('model.verify', verifyParams())).toThrow(
        /^busy: 1 jobs are running and 1 waiting \(the limit\): wait for one to finish or cancel one$/,
      );
      const [fa, fb] = await Promise.all([a.done, b.done]);
      expect([fa.status, fb.status]).toEqual(['succeeded', 'succeeded']);
      const ofB = m.progress.filter((p) => p.jobId === b.jobId).map((p) => p.stage);
      expect(ofB[0]).toBe('queued');
      expect(ofB.at(-1)).toBe('done');
      // B's worker started only after A had finished: one thread at a time.
      const aDone = m.finished.findIndex((f) => f.jobId === a.jobId);
      const bStarted = m.progress.findIndex((p) => p.jobId === b.jobId && p.stage === 'reading');
      expect(aDone).toBeGreaterThanOrEqual(0);
      expect(m.finished[0]!.jobId).toBe(a.jobId);
      expect(bStarted).toBeGreaterThan(
        m.progress.findIndex((p) => p.jobId === a.jobId && p.stage === 'done'),
      );
      expect(m.peak()).toBe(1);
    } finally {
      await m.jobs.dispose();
    }
  });

  it('a queued job cancels at once, never starting a thread; the running one is unaffected', async () => {
    const m = manager(1, 4);
    try {
      const a = m.jobs.start('model.verify', verifyParams());
      const b = m.jobs.start('model.verify', verifyParams());
      expect(m.jobs.cancel(b.jobId)).toBe(true);
      const fb = await b.done;
      expect(fb.status).toBe('cancelled');
      expect(m.jobs.queuedJobs).toBe(0);
      expect((await a.done).status).toBe('succeeded');
      expect(m.progress.filter((p) => p.jobId === b.jobId)).toEqual([]);
    } finally {
      await m.jobs.dispose();
    }
  });

  it('dispose cancels what waits', async () => {
    const m = manager(1, 4);
    m.jobs.start('model.verify', verifyParams());
    const b = m.jobs.start('model.verify', verifyParams());
    await m.jobs.dispose();
    expect((await b.done).status).toBe('cancelled');
  });

  it('default: one job per core, a short queue', () => {
    const d = defaultJobLimits();
    expect(d.maxRunning).toBeGreaterThanOrEqual(1);
    expect(d.maxQueued).toBe(16);
  });
});
