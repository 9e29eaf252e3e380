/**
 * The contract of one ONNX op's converter (one file per op in ops/, listed in ops/registry.ts).
 *
 * `convert` turns the node into TFLite operators through its NodeContext and returns one Value
 * per ONNX output (an activation, or a constant when the result is known now, as Shape's is).
 * `fold`, when present, computes the outputs when every input is a constant; the driver calls it
 * instead of `convert` then, so constant chains (Shape → Gather → Cast → Concat → Unsqueeze)
 * never reach the output graph.
 */
import type { ConstTensor } from './const-tensor';
import type { NodeContext } from './node-context';
import type { Value } from './values';

export interface OpConverter {
  convert(ctx: NodeContext): Value[];
  fold?(ctx: NodeContext, inputs: (ConstTensor | undefined)[]): ConstTensor[];
}
