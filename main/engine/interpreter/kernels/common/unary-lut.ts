/**
 * Quantized elementwise unary ops (RELU*, LEAKY_RELU, HARD_SWISH, ELU...) map each possible input
 * code to one output code, so prepare evaluates the exact integer reference arithmetic once per
 * code (256 for 8-bit, 65536 for int16) and eval is a table lookup. The table holds exactly what
 * the reference computes for that code, so this is bit-identical to evaluating per element.
 */
import type { TypedArray } from '../../../tensor/dtype';
import type { QDType } from './kernel-util';
import { qRange } from '../../../quant/math';

export interface CodeTable {
  /** Output code for input code q at index q - qmin. */
  table: Int32Array;
  qmin: number;
}

export function buildCodeTable(dtype: QDType, fn: (q: number) => number): CodeTable {
  const [qmin, qmax] = qRange(dtype);
  const table = new Int32Array(qmax - qmin + 1);
  for (let q = qmin; q <= qmax; q++) table[q - qmin] = fn(q);
  return { table, qmin };
}

export function applyCodeTable(t: CodeTable, input: TypedArray, output: TypedArray): void {
  const inp = input as Int8Array | Uint8Array | Int16Array;
  const out = output as Int8Array | Uint8Array | Int16Array;
  const { table, qmin } = t;
  for (let i = 0; i < inp.length; i++) out[i] = table[inp[i] - qmin];
}

/** Float32 elementwise map; the typed array store rounds each result to float32. */
export function applyFloat(input: TypedArray, output: TypedArray, fn: (x: number) => number): void {
  const inp = input as Float32Array;
  const out = output as Float32Array;
  for (let i = 0; i < inp.length; i++) out[i] = fn(inp[i]);
}
