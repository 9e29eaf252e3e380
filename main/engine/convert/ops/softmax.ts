/**
 * Softmax → SOFTMAX (LogSoftmax → LOG_SOFTMAX, log-softmax.ts) over the physical last axis. From opset 13 the axis is one dim (default −1);
 * a channel-last tensor whose axis is not last is moved (a reported TRANSPOSE). Before 13 the
 * input is coerced to 2-D at `axis` (default 1): a RESHAPE around SOFTMAX unless axis is the last.
 */
import { BuiltinOperator, BuiltinOptions, SoftmaxOptionsT } from '../../tflite/generated/tflite';
import { numElements } from '../../tensor/dtype';
import { identityPerm, permuteDims, physicalAxis } from '../layout';
import type { EmitRequest } from '../builder';
import type { TflOptions } from '../ir';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import type { ActValue } from '../values';

/** The TFLite operator over the last axis (its options type and a fresh options object). */
export type LastAxisOp = Pick<EmitRequest, 'op' | 'optionsType'> & { options: () => TflOptions };

const SOFTMAX: LastAxisOp = {
  op: BuiltinOperator.SOFTMAX,
  optionsType: BuiltinOptions.SoftmaxOptions,
  options: () => new SoftmaxOptionsT(1),
};

function softmaxLast(ctx: NodeContext, x: ActValue, name: string, spec: LastAxisOp): ActValue {
  const tensor = ctx.builder.emit({
    op: spec.op,
    optionsType: spec.optionsType,
    options: spec.options(),
    inputs: [x.tensor],
    shape: permuteDims(x.dims, x.perm),
    name,
  });
  return ctx.output(tensor, x.dims, x.perm);
}

/** Softmax-shaped ops: ONNX's axis rules (above), `spec` over the last axis. */
export function lastAxisConverter(spec: LastAxisOp): OpConverter {
  return {
    convert(ctx) {
      const x = ctx.act(0);
      const rank = x.dims.length;
      const raw = ctx.attrs.int('axis', ctx.opset < 13 ? 1 : -1);
      const axis = raw < 0 ? raw + rank : raw;
      if (!(axis >= 0 && axis < rank)) ctx.unsupported(`axis ${raw} for rank ${rank}`);
      if (ctx.opset < 13 && axis !== rank - 1) {
        const why = `${ctx.where} flattens its input to 2-D`;
        const flat = ctx.builder.reshape(
          x,
          [numElements(x.dims.slice(0, axis)), numElements(x.dims.slice(axis))],
          ctx.tempName('2d'),
          why,
        );
        const y = softmaxLast(ctx, flat, ctx.tempName('softmax'), spec);
        return [ctx.builder.reshape(y, x.dims, ctx.outputName(0), why)];
      }
      if (physicalAxis(axis, x.perm) === rank - 1) return [softmaxLast(ctx, x, ctx.outputName(0), spec)];
      const perm = [...identityPerm(rank).filter((d) => d !== axis), axis];
      const moved = ctx.output(ctx.tensorIn(x, perm, 'axis_last'), x.dims, perm);
      return [softmaxLast(ctx, moved, ctx.outputName(0), spec)];
    },
  };
}

export const softmax = lastAxisConverter(SOFTMAX);
