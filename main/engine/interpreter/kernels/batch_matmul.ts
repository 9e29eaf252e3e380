/**
 * BATCH_MATMUL (float32): output[..., m, n] = Σk lhs[..., m, k] · rhs[..., k, n], with adj_x /
 * adj_y reading the last two dims of lhs / rhs transposed, and the batch dims (all but the last
 * two) broadcast as numpy does (TFLite reference_ops::BatchMatMul; ranks 2 to 5, a shorter
 * operand gets leading 1s). Accumulates in double, as FULLY_CONNECTED's float path does.
 * Integer and hybrid forms are refused.
 */
import type { Kernel } from '../types';

export interface BatchMatMulGeometry {
  /** Batch dims of the output, and the element strides of lhs / rhs for each (0 = broadcast). */
  batch: number[];
  lhsStrides: number[];
  rhsStrides: number[];
  m: number;
  k: number;
  n: number;
  adjX: boolean;
  adjY: boolean;
}

export function batchMatMulFloat(
  lhs: Float32Array,
  rhs: Float32Array,
  out: Float32Array,
  g: BatchMatMulGeometry,
): void {
  const { m, k, n, adjX, adjY } = g;
  const batches = g.batch.reduce((a, b) => a * b, 1);
  const index = new Array<number>(g.batch.length).fill(0);
  for (let b = 0; b < batches; b++) {
    let lo = 0;
    let ro = 0;
    for (let d = 0; d < index.length; d++) {
      lo += index[d] * g.lhsStrides[d];
      ro += index[d] * g.rhsStrides[d];
    }
    const oo = b * m * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++)
          acc += lhs[lo + (adjX ? p * m + i : i * k + p)] * rhs[ro + (adjY ? j * k + p : p * n + j)];
        out[oo + i * n + j] = acc;
      }
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d] < g.batch[d]) break;
      index[d] = 0;
    }
  }
}

export const kernel: Kernel = {
  prepare(ctx) {
    const lhs = ctx.input(0);
    const rhs = ctx.input(1);
    const output = ctx.output(0);
    if (lhs.dtype !== 'float32' || rhs.dtype !== 'float32' || output.dtype !== 'float32')
      ctx.unsupported(`${lhs.dtype} × ${rhs.dtype} → ${output.dtype} (float32 only)`);
    const rank = Math.max(lhs.shape.length, rhs.shape.length);
    if (lhs.shape.length < 2 || rhs.shape.length < 2 || rank > 5)
      ctx.invalid(`operands of rank ${lhs.shape.length} and ${rhs.shape.length} (2 to 5 expected)`);
    const adjX = Boolean(ctx.options?.adjX);
    const adjY = Boolean(ctx.options?.adjY);
    const ls = [...Array<number>(rank - lhs.shape.length).fill(1), ...lhs.shape];
    const rs = [...Array<number>(rank - rhs.shape.length).fill(1), ...rhs.shape];
    const [m, k] = adjX ? [ls[rank - 1], ls[rank - 2]] : [ls[rank - 2], ls[rank - 1]];
    const [k2, n] = adjY ? [rs[rank - 1], rs[rank - 2]] : [rs[rank - 2], rs[rank - 1]];
    if (k !== k2) ctx.invalid(`inner dims differ: [${lhs.shape}] × [${rhs.shape}]`);
    const batch: number[] = [];
    const lhsStrides: number[] = [];
    const rhsStrides: number[] = [];
    let lstride = m * k;
    let rstride = k * n;
    for (let d = rank - 3; d >= 0; d--) {
      if (ls[d] !== rs[d] && ls[d] !== 1 && rs[d] !== 1)
        ctx.invalid(`batch dims do not broadcast: [${lhs.shape}] × [${rhs.shape}]`);
      batch.unshift(Math.max(ls[d], rs[d]));
      lhsStrides.unshift(ls[d] === 1 ? 0 : lstride);
      rhsStrides.unshift(rs[d] === 1 ? 0 : rstride);
      lstride *= ls[d];
      rstride *= rs[d];
    }
    output.shape = [...batch, m, n];
    const g: BatchMatMulGeometry = { batch, lhsStrides, rhsStrides, m, k, n, adjX, adjY };
    return () =>
      batchMatMulFloat(lhs.data as Float32Array, rhs.data as Float32Array, output.data as Float32Array, g);
  },
};
