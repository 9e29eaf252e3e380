/**
 * What an op converter sees of the conversion: its ONNX node (attributes, inputs as Values),
 * the graph builder, and helpers for the usual moves. An op converter returns one Value per ONNX
 * output; it throws `unsupported(...)` for an attribute combination it cannot convert (the driver
 * collects those from every node and reports them all at once).
 */
import { UnsupportedOpError } from '../errors';
import { ActivationFunctionType, BuiltinOperator, type OperatorT } from '../tflite/generated/tflite';
import { nodeLabel } from '../onnx/graph-order';
import { NodeAttributes } from './attributes';
import type { GraphBuilder } from './builder';
import type { ConstTensor } from './const-tensor';
import type { IrOp } from './ir';
import type { Perm } from './layout';
import type { OnnxNode } from './onnx-graph';
import type { ActValue, Value } from './values';

/** Operators whose options carry a fused activation the converter may set. */
const FUSIBLE = new Set<BuiltinOperator>([
  BuiltinOperator.CONV_2D,
  BuiltinOperator.DEPTHWISE_CONV_2D,
  BuiltinOperator.FULLY_CONNECTED,
  BuiltinOperator.ADD,
  BuiltinOperator.SUB,
  BuiltinOperator.MUL,
]);

export interface ConversionState {
  builder: GraphBuilder;
  opset: number;
  /** The nodes that read each ONNX value (once per input slot). */
  readers(name: string): readonly OnnxNode[];
  isGraphOutput(name: string): boolean;
  value(name: string): Value | undefined;
  /** A note on a node's line of the report. */
  note(node: number, text: string): void;
}

export class NodeContext {
  readonly attrs: NodeAttributes;

  constructor(
    readonly node: OnnxNode,
    private readonly state: ConversionState,
  ) {
    this.attrs = new NodeAttributes(node.attributes);
  }

  get builder(): GraphBuilder {
    return this.state.builder;
  }

  get opset(): number {
    return this.state.opset;
  }

  /** "node 3 "conv1" (Conv)". */
  get where(): string {
    return nodeLabel(this.node.proto, this.node.index);
  }

  unsupported(why: string): never {
    throw new UnsupportedOpError(why);
  }

  /** Input i, or undefined when absent or omitted (''). */
  input(i: number): Value | undefined {
    const name = this.node.inputs[i];
    return name ? this.state.value(name) : undefined;
  }

  requireInput(i: number): Value {
    return this.input(i) ?? this.unsupported(`input ${i} is missing`);
  }

  /** Input i as an activation; a constant one is unsupported (folding handles all-constant nodes). */
  act(i: number): ActValue {
    const v = this.requireInput(i);
    return v.kind === 'act' ? v : this.unsupported(`input ${i} is a constant here, which is not supported`);
  }

  /** Input i, which must be known at conversion time. */
  constInput(i: number, what: string): ConstTensor {
    const v = this.requireInput(i);
    return v.kind === 'const' ? v.value : this.unsupported(`${what} (input ${i}) must be a constant`);
  }

  optionalConst(i: number, what: string): ConstTensor | undefined {
    return this.input(i) ? this.constInput(i, what) : undefined;
  }

  /** Name for output tensor i (the ONNX value name) or for an intermediate of this node. */
  outputName(i = 0): string {
    return this.node.outputs[i] || `${this.node.name || this.node.opType}_${this.node.index}/out${i}`;
  }

  tempName(suffix: string): string {
    return `${this.node.name || `${this.node.opType}_${this.node.index}`}/${suffix}`;
  }

  /** The tensor holding input value `v` in layout `perm` (see GraphBuilder.tensorIn). */
  tensorIn(v: Value, perm: Perm, suffix: string): number {
    return this.builder.tensorIn(
      v,
      perm,
      this.tempName(suffix),
      `${this.where} needs its input in another order`,
    );
  }

  /** An activation value of this node's output (ONNX dims, physical layout perm). */
  output(
    tensor: number,
    dims: number[],
    perm: Perm,
    dtype = this.builder.graph.tensors[tensor].dtype,
  ): ActValue {
    return { kind: 'act', tensor, dims, perm, dtype };
  }

  /** The nodes that read output i of this node; none when a graph output reads it too. */
  outputReaders(i = 0): readonly OnnxNode[] | undefined {
    const name = this.node.outputs[i];
    if (!name || this.state.isGraphOutput(name)) return undefined;
    return this.state.readers(name);
  }

  /** True when the ONNX value is a constant known now (an initializer or a folded node). */
  isConstant(name: string): boolean {
    return this.state.value(name)?.kind === 'const';
  }

  note(text: string): void {
    this.state.note(this.node.index, text);
  }

  /**
   * The operator that wrote input i, when this node is its only reader and nothing else can see
   * it (not a graph output): then the operator may be edited in place (a BatchNormalization
   * folded into it, an activation fused).
   */
  soleProducer(i: number): IrOp | undefined {
    const name = this.node.inputs[i];
    const v = this.input(i);
    if (!name || v?.kind !== 'act') return undefined;
    if (this.state.readers(name).length !== 1 || this.state.isGraphOutput(name)) return undefined;
    const op = this.builder.graph.producer(v.tensor);
    return op && op.outputs[0] === v.tensor ? op : undefined;
  }

  /** Fuses `activation` into the producer of input 0 when allowed; the fused value, else undefined. */
  fuseActivation(activation: ActivationFunctionType): ActValue | undefined {
    const op = this.soleProducer(0);
    if (!op || !FUSIBLE.has(op.op)) return undefined;
    const options = op.options as (OperatorT['builtinOptions'] & { fusedActivationFunction?: number }) | null;
    if (!options || options.fusedActivationFunction !== ActivationFunctionType.NONE) return undefined;
    options.fusedActivationFunction = activation;
    const v = this.act(0);
    this.builder.graph.tensors[v.tensor].name = this.outputName(0);
    this.note(`fused into ${BuiltinOperator[op.op]} of node ${op.node}`);
    return v;
  }
}
