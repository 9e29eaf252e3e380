/**
 * The trainable view of subgraph 0 of a float TFLite model: see graph/types.ts for the surface.
 */
import { UnsupportedOpError } from '../../errors';
import type { TflModel } from '../../tflite/model';
import type { BuildGraphOptions, TrainGraph } from './types';

export type { BuildGraphOptions, TrainGraph } from './types';

/** Builds the trainable graph of `model`'s subgraph 0 (a float model). */
export function buildTrainGraph(model: TflModel, options: BuildGraphOptions = {}): TrainGraph {
  void model;
  void options;
  throw new UnsupportedOpError('the trainable graph is not implemented yet');
}
