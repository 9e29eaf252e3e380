/**
 * checkSupport: every operator the interpreter cannot run, not just the first (the quantizer
 * and the model report use it to list what blocks a model).
 */
import { LowbitError, toErrorInfo, type ErrorCode } from '../errors';
import type { TflModel } from '../tflite/model';
import { kernels as defaultKernels } from './kernels/index';
import { buildTensors, makeContexts, opCodeOf } from './tensors';
import type { Kernel } from './types';

export interface SupportIssue {
  opIndex: number;
  opName: string;
  version: number;
  code: ErrorCode;
  message: string;
}

/**
 * Runs every kernel's prepare on a fresh set of tensors and collects the failures. A failure
 * can leave its outputs' shapes unset; later operators are still checked (their own problems
 * are reported, so one unsupported op may also surface as a shape error downstream).
 * Returns [] when the whole subgraph is supported.
 */
export function checkSupport(
  model: TflModel,
  options: { subgraph?: number; kernels?: Readonly<Record<string, Kernel | undefined>> } = {},
): SupportIssue[] {
  const subgraph = options.subgraph ?? 0;
  const registry = options.kernels ?? defaultKernels;
  const tensors = buildTensors(model, subgraph);
  const contexts = makeContexts(model, subgraph, tensors);
  const issues: SupportIssue[] = [];
  contexts.forEach((ctx, k) => {
    try {
      const kernel = registry[ctx.opName] ?? ctx.unsupported('no kernel for this operator');
      kernel.prepare(ctx);
    } catch (e) {
      const { code, message } = toErrorInfo(e);
      if (!(e instanceof LowbitError) && !(e instanceof RangeError) && !(e instanceof TypeError)) throw e;
      const oc = opCodeOf(model, model.subgraphs[subgraph].operators[k]);
      issues.push({ opIndex: k, opName: oc.name, version: oc.version, code, message });
    }
  });
  return issues;
}
