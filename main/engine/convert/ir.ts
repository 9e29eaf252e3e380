/**
 * The converter's output graph: TFLite tensors and operators being built, before serialisation
 * (serialize.ts turns it into a TflModel). Each operator remembers the ONNX node it came from,
 * for the conversion report; op converters may still edit an operator after emitting it (folding
 * a BatchNormalization into a convolution's weights, fusing an activation).
 */
import type { BuiltinOperator, BuiltinOptions, OperatorT } from '../tflite/generated/tflite';
import type { DType } from '../tensor/dtype';

export type TflOptions = OperatorT['builtinOptions'];

export interface IrTensor {
  name: string;
  /** Physical (TFLite) shape. */
  shape: number[];
  dtype: DType;
  /** Constant bytes (little-endian, the dtype's layout); undefined for activations. */
  data?: Uint8Array;
}

export interface IrOp {
  op: BuiltinOperator;
  /** Tensor ids; -1 for an omitted optional input. */
  inputs: number[];
  outputs: number[];
  optionsType: BuiltinOptions;
  options: TflOptions;
  /** The ONNX node this operator was emitted for; -1 for graph input/output layout moves. */
  node: number;
}

export class IrGraph {
  readonly tensors: IrTensor[] = [];
  readonly ops: IrOp[] = [];
  readonly inputs: number[] = [];
  readonly outputs: number[] = [];
  /** Which op writes each tensor. */
  private readonly producers = new Map<number, IrOp>();

  addTensor(t: IrTensor): number {
    this.tensors.push(t);
    return this.tensors.length - 1;
  }

  addOp(op: IrOp): IrOp {
    this.ops.push(op);
    for (const o of op.outputs) this.producers.set(o, op);
    return op;
  }

  producer(tensor: number): IrOp | undefined {
    return this.producers.get(tensor);
  }
}
