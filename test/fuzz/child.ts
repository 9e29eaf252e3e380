/**
 * A fuzz worker process: runs the jobs its parent (runner.ts) sends, one at a time, and answers
 * each with its outcome. The parent measures its memory from /proc and kills it on a stall, so
 * this side does nothing but run the job.
 */
import { runJob, type Job, type Outcome } from './targets';

export interface JobRequest {
  id: number;
  job: Job;
}

export interface JobReply {
  id: number;
  outcome: Outcome;
  ms: number;
}

process.on('message', (msg: JobRequest) => {
  const t0 = performance.now();
  const outcome = runJob(msg.job);
  // Free what the case allocated (typed arrays are released only by a GC), so the parent's
  // next clear_refs starts the next case's peak from this worker's baseline.
  (globalThis as { gc?: () => void }).gc?.();
  const reply: JobReply = { id: msg.id, outcome, ms: performance.now() - t0 };
  process.send!(reply);
});
process.send!({ ready: true });
