import { ShapeMismatchError, UnsupportedOpError } from '../errors';
import type { BuiltinOperator } from '../tflite/model';
import type { OpContext, RtTensor } from './types';

/** Builds the OpContext handed to Kernel.prepare; shared by the interpreter and KernelRunner. */
export function makeOpContext(init: {
  opIndex: number;
  opName: string;
  builtinCode: BuiltinOperator;
  version: number;
  options: any;
  inputs: (RtTensor | null)[];
  outputs: RtTensor[];
  intermediates?: RtTensor[];
}): OpContext {
  const where = () => `${init.opName} v${init.version} (operator ${init.opIndex})`;
  const dtypes = () => {
    const ins = init.inputs.map((t) => (t ? t.dtype : '-')).join(',');
    const outs = init.outputs.map((t) => t.dtype).join(',');
    return `inputs ${ins} -> outputs ${outs}`;
  };
  const ctx: OpContext = {
    opIndex: init.opIndex,
    opName: init.opName,
    builtinCode: init.builtinCode,
    version: init.version,
    options: init.options,
    inputs: init.inputs,
    outputs: init.outputs,
    intermediates: init.intermediates ?? [],
    unsupported(what: string): never {
      throw new UnsupportedOpError(`${where()}: ${what} [${dtypes()}]`);
    },
    invalid(what: string): never {
      throw new ShapeMismatchError(`${where()}: ${what}`);
    },
    input(i: number): RtTensor {
      const t = init.inputs[i];
      if (!t) ctx.invalid(`input ${i} is missing`);
      return t;
    },
    output(i: number): RtTensor {
      const t = init.outputs[i];
      if (!t) ctx.invalid(`output ${i} is missing`);
      return t;
    },
  };
  return ctx;
}
