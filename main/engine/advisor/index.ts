/** The technique advisor: pure, deterministic, no I/O. See docs/advisor.md. */
export { recommend } from './advise';
export { modelFactsFromReport, INT8_OPS, EDGETPU_OPS } from './facts';
export { formatPlan, formatTraining } from './format';
export { boardLimitsFor } from './boards';
export { validateInput } from './validate';
export { TECHNIQUES, TARGET_NAMES, CALIBRATION_MIN, CALIBRATION_MAX } from './techniques';
export * from './types';
export { adviseTraining, type TrainingAdvice, type TrainingRecipeAdvice } from './training';
