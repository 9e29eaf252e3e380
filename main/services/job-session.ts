/**
 * A succeeded job's result is kept only by the service that started it, and only while the model
 * session it started from is open. What the wizard's and the training service's finish handlers
 * return otherwise.
 */
import type { JobFinished, JobKind } from '../contract/types';

type Finished = { jobId: string; kind: JobKind };

/** A job this service did not start (`what`: "a training job"). */
export function unknownJob(f: Finished, what: string): JobFinished {
  return {
    jobId: f.jobId,
    kind: f.kind,
    status: 'failed',
    error: { code: 'INTERNAL', message: `${what} finished that this session did not start` },
  };
}

/** The model the job started from was closed meanwhile: its session is gone, keep nothing. */
export function closedSession(f: Finished, what: string): JobFinished {
  return {
    jobId: f.jobId,
    kind: f.kind,
    status: 'cancelled',
    error: { code: 'CANCELLED', message: `the model was closed before ${what} finished` },
  };
}

/** Whether `getModel` still knows the session (it throws for a closed one). */
export function sessionOpen(getModel: (id: string) => unknown, sessionId: string): boolean {
  try {
    getModel(sessionId);
    return true;
  } catch {
    return false;
  }
}
