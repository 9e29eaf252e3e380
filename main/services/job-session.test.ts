import { describe, expect, it } from 'vitest';
import { closedSession, sessionOpen, unknownJob } from './job-session';

describe('job outcomes for a job without its session', () => {
  const f = { jobId: 'j7', kind: 'train.run' as const };

  it('a job the service did not start fails as INTERNAL; a closed session cancels', () => {
    expect(unknownJob(f, 'a training job')).toEqual({
      jobId: 'j7',
      kind: 'train.run',
      status: 'failed',
      error: { code: 'INTERNAL', message: 'a training job finished that this session did not start' },
    });
    expect(closedSession(f, 'training')).toEqual({
      jobId: 'j7',
      kind: 'train.run',
      status: 'cancelled',
      error: { code: 'CANCELLED', message: 'the model was closed before training finished' },
    });
  });

  it('a session is open while getModel knows it', () => {
    const open = new Set(['s1']);
    const getModel = (id: string) => {
      if (!open.has(id)) throw new Error(`no model ${id}`);
      return {};
    };
    expect(sessionOpen(getModel, 's1')).toBe(true);
    expect(sessionOpen(getModel, 's2')).toBe(false);
  });
});
