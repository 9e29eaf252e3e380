/**
 * Evaluation of an optimization chain's stages (prune, cluster, quantize: optimize/pipeline.ts)
 * through the one comparison loop: every stage's model on the same samples, fidelity against the
 * first stage (the input model).
 */
import type { StageResult } from '../optimize/pipeline';
import { compareModels } from './compare';
import type { SampleSet } from './evaluate';
import type { SamplePool } from '../interpreter/sample-pool';
import type { ClassificationResult, FidelityResult } from './metrics';

export interface StageEvaluation {
  stage: string;
  accuracy: ClassificationResult | null;
  /** Against the first stage's (the input model's) outputs. */
  fidelity: FidelityResult | null;
  latencyMedianMs: number;
}

export async function evaluateStages(
  stages: readonly Pick<StageResult, 'stage' | 'model' | 'bytes'>[],
  samples: SampleSet,
  options: {
    signal?: AbortSignal;
    progress?: (stage: string, done: number, total: number) => void;
    /** Threads for the samples (results identical to one thread's). */
    pool?: SamplePool;
  } = {},
): Promise<StageEvaluation[]> {
  const [input, ...rest] = stages;
  if (!input) return [];
  const { rows } = await compareModels({
    baseline: { label: input.stage, model: input.model, bytes: input.bytes },
    candidates: rest.map((s) => ({ label: s.stage, make: () => s })),
    test: samples,
    latencyRuns: 5,
    warmupRuns: 1,
    signal: options.signal,
    pool: options.pool,
    onProgress: (p) => options.progress?.(p.label, p.done, p.total),
  });
  return rows.map(({ technique: stage, evaluation: ev }) => ({
    stage,
    accuracy: ev.accuracy,
    fidelity: ev.fidelity,
    latencyMedianMs: ev.latency.medianMs,
  }));
}
