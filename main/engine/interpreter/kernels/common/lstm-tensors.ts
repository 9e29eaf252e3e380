/**
 * Operand layout and shape checks for UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite's 24-input form):
 *   0 input [batch, time, n_input] (or [time, batch, n_input] when time_major)
 *   1-4 input_to_{input,forget,cell,output} weights [n_cell, n_input] (input gate optional: CIFG)
 *   5-8 recurrent_to_{input,forget,cell,output} weights [n_cell, n_output]
 *   9-11 cell_to_{input,forget,output} peephole weights [n_cell] (optional)
 *   12-15 {input,forget,cell,output} gate bias [n_cell]
 *   16 projection weights [n_output, n_cell], 17 projection bias [n_output] (optional)
 *   18 output state [batch, n_output], 19 cell state [batch, n_cell] (variable tensors)
 *   20-23 layer-norm coefficients (optional)
 */
import { numElements } from '../../../tensor/dtype';
import type { OpContext, RtTensor } from '../../types';

export interface LstmGateTensors {
  inputWeights: RtTensor;
  recurrentWeights: RtTensor;
  bias: RtTensor;
}

export interface LstmOperands {
  input: RtTensor;
  output: RtTensor;
  /** Gates in TFLite's order: input (null with CIFG), forget, cell, output. */
  inputGate: LstmGateTensors | null;
  forgetGate: LstmGateTensors;
  cellGate: LstmGateTensors;
  outputGate: LstmGateTensors;
  peephole: [RtTensor | null, RtTensor | null, RtTensor | null];
  projectionWeights: RtTensor | null;
  projectionBias: RtTensor | null;
  outputState: RtTensor;
  cellState: RtTensor;
  hasLayerNorm: boolean;
  nBatch: number;
  nTime: number;
  nInput: number;
  nCell: number;
  nOutput: number;
  timeMajor: boolean;
}

const opt = (ctx: OpContext, i: number): RtTensor | null => (i < ctx.inputs.length ? ctx.inputs[i] : null);

function expectShape(ctx: OpContext, t: RtTensor | null, shape: number[], what: string): void {
  if (!t) return;
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
    ctx.invalid(`${what} has shape [${t.shape}], expected [${shape}]`);
}

export function lstmOperands(ctx: OpContext): LstmOperands {
  if (ctx.inputs.length !== 24 && ctx.inputs.length !== 20)
    ctx.invalid(`expected 20 or 24 inputs, got ${ctx.inputs.length}`);
  const input = ctx.input(0);
  const output = ctx.output(0);
  const timeMajor: boolean = ctx.options?.timeMajor ?? false;
  if (input.shape.length !== 3) ctx.invalid(`input has rank ${input.shape.length}, expected 3`);
  const [d0, d1, nInput] = input.shape;
  const nTime = timeMajor ? d0 : d1;
  const nBatch = timeMajor ? d1 : d0;
  const forgetW = ctx.input(2);
  const recForget = ctx.input(6);
  if (forgetW.shape.length !== 2 || recForget.shape.length !== 2) ctx.invalid('weights must be 2-D');
  const nCell = forgetW.shape[0];
  const nOutput = recForget.shape[1];
  const gate = (wi: number, ri: number, bi: number, name: string): LstmGateTensors => {
    const g = { inputWeights: ctx.input(wi), recurrentWeights: ctx.input(ri), bias: ctx.input(bi) };
    expectShape(ctx, g.inputWeights, [nCell, nInput], `input_to_${name}_weights`);
    expectShape(ctx, g.recurrentWeights, [nCell, nOutput], `recurrent_to_${name}_weights`);
    expectShape(ctx, g.bias, [nCell], `${name}_gate_bias`);
    return g;
  };
  const hasInputGate = opt(ctx, 1) !== null;
  if (hasInputGate !== (opt(ctx, 5) !== null))
    ctx.invalid('input_to_input and recurrent_to_input weights must both be present or both absent');
  const peephole: [RtTensor | null, RtTensor | null, RtTensor | null] = [
    opt(ctx, 9),
    opt(ctx, 10),
    opt(ctx, 11),
  ];
  for (const [i, p] of peephole.entries()) expectShape(ctx, p, [nCell], `peephole weights ${i}`);
  const projectionWeights = opt(ctx, 16);
  const projectionBias = opt(ctx, 17);
  expectShape(ctx, projectionWeights, [nOutput, nCell], 'projection_weights');
  expectShape(ctx, projectionBias, [nOutput], 'projection_bias');
  if (!projectionWeights && nOutput !== nCell)
    ctx.invalid(`n_output ${nOutput} != n_cell ${nCell} without projection`);
  const outputState = ctx.input(18);
  const cellState = ctx.input(19);
  // Variable tensors are bound after prepare: check their shapes, not their data.
  if (numElements(outputState.shape) !== nBatch * nOutput)
    ctx.invalid(`output state has shape [${outputState.shape}], expected ${nBatch * nOutput} elements`);
  if (numElements(cellState.shape) !== nBatch * nCell)
    ctx.invalid(`cell state has shape [${cellState.shape}], expected ${nBatch * nCell} elements`);
  const hasLayerNorm = [20, 21, 22, 23].some((i) => opt(ctx, i) !== null);
  return {
    input,
    output,
    inputGate: hasInputGate ? gate(1, 5, 12, 'input') : null,
    forgetGate: gate(2, 6, 13, 'forget'),
    cellGate: gate(3, 7, 14, 'cell'),
    outputGate: gate(4, 8, 15, 'output'),
    peephole,
    projectionWeights,
    projectionBias,
    outputState,
    cellState,
    hasLayerNorm,
    nBatch,
    nTime,
    nInput,
    nCell,
    nOutput,
    timeMajor,
  };
}

/** Offset of input/output row (batch b, time t) in units of rows. */
export function rowIndex(o: LstmOperands, b: number, t: number): number {
  return o.timeMajor ? t * o.nBatch + b : b * o.nTime + t;
}
