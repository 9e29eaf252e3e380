/**
 * Builds the output graph: adds constants and operators, and moves activations between layouts
 * (a RESHAPE when the move leaves memory order unchanged, else a TRANSPOSE, which is recorded
 * with its reason). Shared by every node's NodeContext; the driver (convert.ts) owns one.
 */
import {
  BuiltinOperator,
  BuiltinOptions,
  ReshapeOptionsT,
  TransposeOptionsT,
} from '../tflite/generated/tflite';
import type { DType } from '../tensor/dtype';
import { transposeConst, type ConstTensor } from './const-tensor';
import { IrGraph, type TflOptions } from './ir';
import { isMemoryNoop, permuteDims, samePerm, transposeBetween, type Perm } from './layout';
import type { ExplicitTranspose } from './report';
import type { ActValue, Value } from './values';

export interface EmitRequest {
  op: BuiltinOperator;
  optionsType?: BuiltinOptions;
  options?: TflOptions;
  inputs: number[];
  /** Physical shape of the one output. */
  shape: number[];
  dtype?: DType;
  name: string;
}

export class GraphBuilder {
  readonly graph = new IrGraph();
  readonly transposes: ExplicitTranspose[] = [];
  /** tensor id → (stored order > wanted order) → the tensor holding the value in that order. */
  private readonly layoutCache = new Map<number, Map<string, number>>();
  /** The ONNX node being converted (stamped on every emitted op). */
  currentNode = -1;

  emit(r: EmitRequest): number {
    const out = this.graph.addTensor({ name: r.name, shape: r.shape, dtype: r.dtype ?? 'float32' });
    this.graph.addOp({
      op: r.op,
      inputs: r.inputs,
      outputs: [out],
      optionsType: r.optionsType ?? BuiltinOptions.NONE,
      options: r.options ?? null,
      node: this.currentNode,
    });
    return out;
  }

  /** A constant operand (physical dims), its bytes copied. */
  constTensor(c: ConstTensor, name: string): number {
    const data = new Uint8Array(
      c.data.buffer.slice(c.data.byteOffset, c.data.byteOffset + c.data.byteLength),
    );
    return this.graph.addTensor({ name, shape: [...c.dims], dtype: c.dtype, data });
  }

  /** An int32 vector constant (shapes, axes, paddings). */
  int32Tensor(values: readonly number[], name: string, dims = [values.length]): number {
    return this.constTensor({ dtype: 'int32', dims, data: Int32Array.from(values) }, name);
  }

  /**
   * The tensor holding `v` in layout `perm`: a constant is transposed now; an activation in
   * another layout goes through a RESHAPE or TRANSPOSE (once per layout, then cached).
   */
  tensorIn(v: Value, perm: Perm, name: string, why: string): number {
    if (v.kind === 'const') return this.constTensor(transposeConst(v.value, perm), name);
    if (samePerm(v.perm, perm)) return v.tensor;
    // Keyed by both orders: one tensor may hold several values (a Transpose only relabels it).
    const key = `${v.perm.join(',')}>${perm.join(',')}`;
    const cached = this.layoutCache.get(v.tensor)?.get(key);
    if (cached !== undefined) return cached;
    const out = this.move(v, perm, name, why);
    let byPerm = this.layoutCache.get(v.tensor);
    if (!byPerm) this.layoutCache.set(v.tensor, (byPerm = new Map()));
    byPerm.set(key, out);
    return out;
  }

  /** An activation reshaped to ONNX dims `dims` (identity layout), moving it to ONNX order first if needed. */
  reshape(v: ActValue, dims: number[], name: string, why: string): ActValue {
    const physical = permuteDims(v.dims, v.perm);
    const toOnnxOrder = transposeBetween(
      v.perm,
      v.dims.map((_, i) => i),
    );
    const source = isMemoryNoop(physical, toOnnxOrder)
      ? v.tensor
      : this.tensorIn(
          v,
          v.dims.map((_, i) => i),
          `${name}/onnx_order`,
          why,
        );
    const sameShape =
      source === v.tensor && physical.length === dims.length && physical.every((d, i) => d === dims[i]);
    if (sameShape) return { ...v, dims, perm: dims.map((_, i) => i) };
    const tensor = this.physicalReshape(source, [...dims], v.dtype, name);
    return { kind: 'act', tensor, dims, perm: dims.map((_, i) => i), dtype: v.dtype };
  }

  /** A RESHAPE of a tensor to another physical shape (the bytes stay as they are). */
  physicalReshape(tensor: number, shape: number[], dtype: DType, name: string): number {
    return this.emit({
      op: BuiltinOperator.RESHAPE,
      optionsType: BuiltinOptions.ReshapeOptions,
      options: new ReshapeOptionsT([...shape]),
      inputs: [tensor, this.int32Tensor(shape, `${name}/shape`)],
      shape,
      dtype,
      name,
    });
  }

  private move(v: ActValue, perm: Perm, name: string, why: string): number {
    const physical = permuteDims(v.dims, v.perm);
    const t = transposeBetween(v.perm, perm);
    const shape = permuteDims(v.dims, perm);
    if (isMemoryNoop(physical, t)) return this.physicalReshape(v.tensor, shape, v.dtype, name);
    this.transposes.push({ node: this.currentNode, reason: why });
    const p = this.int32Tensor(t, `${name}/perm`);
    return this.emit({
      op: BuiltinOperator.TRANSPOSE,
      optionsType: BuiltinOptions.TransposeOptions,
      options: new TransposeOptionsT(),
      inputs: [v.tensor, p],
      shape,
      dtype: v.dtype,
      name,
    });
  }
}
