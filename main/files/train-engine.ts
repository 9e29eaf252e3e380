/**
 * Where the CLI and the training job get the training engine's entry point (engine/train/run.ts,
 * `trainModel`, the contract in engine/train/api.ts), loaded when a training starts. Here, in the
 * outer layer both may import, until run.ts is merged; then both import it directly and this
 * file goes.
 */
import type { TrainModelFn } from '../engine/train/api';
import { LowbitError } from '../engine/errors';

export async function loadTrainModel(): Promise<TrainModelFn> {
  let mod: { trainModel?: TrainModelFn };
  try {
    // The engine's run.ts is written on its own branch (train-core); until it is merged the
    // import fails at run time and says so below, rather than failing the whole build.
    // eslint-disable-next-line @typescript-eslint/ban-ts-comment
    // @ts-ignore -- engine/train/run.ts may not exist yet in this checkout
    mod = (await import('../engine/train/run')) as { trainModel?: TrainModelFn };
  } catch (e) {
    throw new LowbitError(
      'INTERNAL',
      `the training engine (engine/train/run.ts) is not in this build: ${(e as Error).message}`,
    );
  }
  if (typeof mod.trainModel !== 'function')
    throw new LowbitError('INTERNAL', 'the training engine (engine/train/run.ts) exports no trainModel');
  return mod.trainModel;
}
