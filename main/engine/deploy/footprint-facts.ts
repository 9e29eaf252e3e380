import { Interpreter } from '../interpreter/interpreter';
import { BuiltinOperator, type TflModel } from '../tflite/model';
import { builtinCodeOf, opName } from '../tflite/names';
import type { ModelFootprintFacts } from './fit';

const PER_CHANNEL_OPS = new Set<number>([
  BuiltinOperator.CONV_2D,
  BuiltinOperator.DEPTHWISE_CONV_2D,
  BuiltinOperator.FULLY_CONNECTED,
  BuiltinOperator.TRANSPOSE_CONV,
]);

/** Facts for the fit estimate, from the model and Lowbit's interpreter (for the arena plan). */
export function footprintFacts(model: TflModel, modelBytes: number): ModelFootprintFacts {
  const sg = model.subgraphs[0]!;
  const ops = [...new Set(sg.operators.map((op) => opName(model.operatorCodes[op.opcodeIndex]!)))].sort();
  let perChannelTotal = 0;
  for (const op of sg.operators) {
    if (!PER_CHANNEL_OPS.has(builtinCodeOf(model.operatorCodes[op.opcodeIndex]!))) continue;
    const weights = sg.tensors[op.inputs[1] ?? -1];
    const q = weights?.quantization;
    if (q && q.scale.length > 0) perChannelTotal += q.scale.length;
  }
  return {
    modelBytes,
    ops,
    tensorCount: sg.tensors.length,
    operatorCount: sg.operators.length,
    perChannelTotal,
    arenaBytes: Interpreter.create(model).arenaBytes,
  };
}
