/** The options both full-integer techniques (int8, 16x8) take, and how they reach the quantizer. */
import { quantizeFullInteger, type FullIntegerOptions, type FullIntegerResult } from '../full-integer';
import type { TechniqueOption, TechniqueOptions } from './types';

export const FULL_INTEGER_OPTIONS: readonly TechniqueOption[] = [
  'samples',
  'io',
  'method',
  'percentile',
  'perTensor',
  'perTensorFullyConnected',
  'keepFloat',
  'strict',
  'expectedInputRanges',
];

export function runFullInteger(
  model: Parameters<typeof quantizeFullInteger>[0],
  activations: NonNullable<FullIntegerOptions['activations']>,
  { samples, ...o }: TechniqueOptions,
): Promise<FullIntegerResult> {
  return quantizeFullInteger(model, samples ?? [], { ...o, activations });
}
