/** Public surface of the interpreter. */
export { Interpreter } from './interpreter';
export type { InterpreterOptions, InvokeOptions, OutputTensor, PlanEntry, TensorInfo } from './interpreter';
export { checkSupport } from './support';
export type { SupportIssue } from './support';
export { recordingObserver, minMaxObserver } from './observer';
export type { Observer, ObservedTensor } from './observer';
export { planMemory } from './planner';
export type { MemoryPlan, Placement, PlanRequest } from './planner';
export { kernels } from './kernels/index';
export type { Kernel, OpContext, RtTensor } from './types';
export type { DType, QuantParams, TypedArray } from '../tensor/dtype';
