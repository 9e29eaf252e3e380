/**
 * Post-training optimization: one entry point over the techniques (techniques/registry.ts), plus
 * dequantization, the spec linter and the debugger.
 */
import { InvalidArgumentError } from '../errors';
import type { TflModel } from '../tflite/model';
import type { FullIntegerResult } from './full-integer';
import { techniqueById, techniquesTaking, type TechniqueId } from './techniques/registry';
import type { TechniqueOptions } from './techniques/types';
import type { QuantizeResult } from './types';

export { dequantizeModel } from './dequantize';
export { debugQuantization } from './debugger';
export type { DebugReport, LayerStats } from './debugger';
export { lintQuantization } from './spec-lint';
export type { LintFinding } from './spec-lint';
export { parseKeepFloat } from './keep-float';
export type { KeepFloatRule } from './keep-float';
export { CALIBRATION_METHODS } from './calibrate/index';
export type { CalibrationMethod } from './calibrate/index';
export { readQuantizationRecord, QUANT_METADATA } from './metadata';
export type { QuantizeResult } from './types';
export type { ModelIo, TechniqueDefinition, TechniqueOptions } from './techniques/types';
export {
  TECHNIQUES,
  TECHNIQUE_IDS,
  isTechniqueId,
  needsCalibration,
  resolveTechnique,
  techniqueById,
  techniquesTaking,
} from './techniques/registry';
export type { TechniqueId } from './techniques/registry';

export interface QuantizeOptions extends TechniqueOptions {
  technique: TechniqueId;
}

/** Options a technique must not be given when it does not take them (the others it ignores). */
const REFUSED_WHEN_UNUSED: Record<'io' | 'strict' | 'keepFloat', (o: TechniqueOptions) => boolean> = {
  io: (o) => o.io !== undefined && o.io !== 'float',
  strict: (o) => !!o.strict,
  keepFloat: (o) => !!o.keepFloat?.length,
};

const OPTION_WORDS: Record<keyof typeof REFUSED_WHEN_UNUSED, string> = {
  io: 'a non-float model I/O type',
  strict: 'strict mode',
  keepFloat: 'keep-float rules',
};

/** Quantizes a float model with the chosen technique; the input model is not modified. */
export async function quantizeModel(
  model: TflModel,
  { technique, ...options }: QuantizeOptions,
): Promise<QuantizeResult | FullIntegerResult> {
  const definition = techniqueById(technique);
  for (const option of Object.keys(REFUSED_WHEN_UNUSED) as (keyof typeof REFUSED_WHEN_UNUSED)[]) {
    if (!definition.options.includes(option) && REFUSED_WHEN_UNUSED[option](options))
      throw new InvalidArgumentError(
        `${OPTION_WORDS[option]} applies to ${techniquesTaking(option).join(' and ')} only, not to ${technique}`,
        { option },
      );
  }
  return definition.run(model, options);
}
