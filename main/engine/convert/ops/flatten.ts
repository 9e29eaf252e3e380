/**
 * Flatten → RESHAPE to [product of dims before axis, product from axis]. Channel-last features
 * ([N, C, H, W] stored NHWC, axis 1) read only by Gemm / MatMul with constant weights are
 * flattened as stored, and those layers permute their weight columns to match (featureOrder):
 * no TRANSPOSE. Otherwise the features move to ONNX order first (a reported TRANSPOSE).
 */
import { numElements } from '../../tensor/dtype';
import { channelsLastPerm, samePerm } from '../layout';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import type { ActValue } from '../values';
import { reshapeConverter } from './common/reshape';

const byDims = reshapeConverter((ctx, dims) => {
  const raw = ctx.attrs.int('axis', 1);
  const axis = raw < 0 ? raw + dims.length : raw;
  if (!(axis >= 0 && axis <= dims.length)) ctx.unsupported(`axis ${raw} for rank ${dims.length}`);
  return [numElements(dims.slice(0, axis)), numElements(dims.slice(axis))];
});

/** True when every reader is a Gemm (transA 0) or MatMul taking this value as A and constant weights. */
function onlyDenseReaders(ctx: NodeContext): boolean {
  const readers = ctx.outputReaders(0);
  const name = ctx.node.outputs[0];
  return (
    readers !== undefined &&
    readers.length > 0 &&
    readers.every(
      (r) =>
        (r.opType === 'MatMul' ||
          (r.opType === 'Gemm' && Number(r.attributes.get('transA')?.i ?? 0) === 0)) &&
        r.domain === '' &&
        r.inputs[0] === name &&
        r.inputs.slice(1).every((i) => i !== name) &&
        ctx.isConstant(r.inputs[1]),
    )
  );
}

/** Flattens NHWC-stored [N, C, H, W] as stored; featureOrder maps each stored feature to its ONNX index. */
function flattenAsStored(ctx: NodeContext, x: ActValue): ActValue {
  const [n, c, h, w] = x.dims;
  const order = new Int32Array(c * h * w);
  for (let y = 0, p = 0; y < h; y++)
    for (let xx = 0; xx < w; xx++) for (let k = 0; k < c; k++) order[p++] = (k * h + y) * w + xx;
  const dims = [n, c * h * w];
  const tensor = ctx.builder.physicalReshape(x.tensor, dims, x.dtype, ctx.outputName(0));
  ctx.note('flattened channel-last; the dense layers after it take permuted weights (no TRANSPOSE)');
  return { ...ctx.output(tensor, dims, [0, 1]), featureOrder: order };
}

export const flatten: OpConverter = {
  convert(ctx) {
    const x = ctx.act(0);
    const axis = ctx.attrs.int('axis', 1);
    const channelLast = x.dims.length === 4 && samePerm(x.perm, channelsLastPerm(4));
    if (channelLast && (axis === 1 || axis === -3) && onlyDenseReaders(ctx)) return [flattenAsStored(ctx, x)];
    return byDims.convert(ctx);
  },
  fold: byDims.fold,
};
