/**
 * GATHER: output = params gathered along `axis` by integer indices, with `batch_dims` leading
 * dimensions shared by params and indices (TFLite reference_ops::Gather):
 *   output shape = params[:axis] + indices[batch_dims:] + params[axis+1:].
 * Indices are data: each is checked in eval and an out-of-range one throws
 * InvalidArgumentError (TFLite returns an error status) instead of reading out of bounds.
 */
import { InvalidArgumentError } from '../../errors';
import { dtypeBytes, numElements } from '../../tensor/dtype';
import type { Kernel } from '../types';
import type { TypedArray } from '../../tensor/dtype';
import { normalizeAxis } from './common/layout';

export interface GatherGeometry {
  batchSize: number;
  outerSize: number;
  axisSize: number;
  innerSize: number;
  coordsPerBatch: number;
}

export function gatherData(
  params: TypedArray,
  indices: TypedArray,
  out: TypedArray,
  g: GatherGeometry,
): void {
  const src = params as any;
  const dst = out as any;
  const idx = indices as any;
  let o = 0;
  for (let b = 0; b < g.batchSize; b++) {
    for (let outer = 0; outer < g.outerSize; outer++) {
      for (let i = 0; i < g.coordsPerBatch; i++) {
        const v = Number(idx[b * g.coordsPerBatch + i]);
        if (!(v >= 0 && v < g.axisSize))
          throw new InvalidArgumentError(`GATHER index ${v} is outside [0, ${g.axisSize})`);
        const base = ((b * g.outerSize + outer) * g.axisSize + v) * g.innerSize;
        for (let j = 0; j < g.innerSize; j++) dst[o++] = src[base + j];
      }
    }
  }
}

export const kernel: Kernel = {
  prepare(ctx) {
    const params = ctx.input(0);
    const indices = ctx.input(1);
    const output = ctx.output(0);
    if (dtypeBytes(params.dtype) === 0 || params.dtype === 'complex64')
      ctx.unsupported(`params dtype ${params.dtype}`);
    if (indices.dtype !== 'int32' && indices.dtype !== 'int64' && indices.dtype !== 'int16')
      ctx.unsupported(`indices dtype ${indices.dtype}`);
    if (output.dtype !== params.dtype)
      ctx.invalid(`output dtype ${output.dtype} differs from params ${params.dtype}`);
    const rank = params.shape.length;
    const axis = normalizeAxis(ctx, ctx.options?.axis ?? 0, rank);
    let batchDims: number = ctx.options?.batchDims ?? 0;
    if (batchDims < 0) batchDims += indices.shape.length;
    if (batchDims < 0 || batchDims > axis || batchDims > indices.shape.length)
      ctx.invalid(
        `batch_dims ${ctx.options?.batchDims} is invalid for axis ${axis}, indices rank ${indices.shape.length}`,
      );
    for (let i = 0; i < batchDims; i++)
      if (params.shape[i] !== indices.shape[i])
        ctx.invalid(`batch dim ${i}: params ${params.shape[i]} vs indices ${indices.shape[i]}`);
    output.shape = [
      ...params.shape.slice(0, axis),
      ...indices.shape.slice(batchDims),
      ...params.shape.slice(axis + 1),
    ];
    const prod = (a: number[]) => a.reduce((x, y) => x * y, 1);
    const batchSize = prod(params.shape.slice(0, batchDims));
    const g: GatherGeometry = {
      batchSize,
      outerSize: prod(params.shape.slice(batchDims, axis)),
      axisSize: params.shape[axis],
      innerSize: prod(params.shape.slice(axis + 1)),
      coordsPerBatch: batchSize === 0 ? 0 : numElements(indices.shape) / batchSize,
    };
    return () => gatherData(params.data, indices.data, output.data, g);
  },
};
