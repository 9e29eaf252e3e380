/** Model plumbing shared by the optimizers. */
import { readTflite } from '../tflite/reader';
import { writeTflite } from '../tflite/writer';
import type { TflModel } from '../tflite/model';
import { opName } from '../tflite/names';

/**
 * A deep copy of the model's tables (so optimizers never modify their input) that shares the
 * buffer bytes: optimizers never write into an existing buffer, they add new ones. The tables
 * are serialised without buffer data and read back, which is cheap even for large models.
 */
export function cloneModel(model: TflModel): TflModel {
  const bare: TflModel = { ...model, buffers: model.buffers.map(() => ({ data: new Uint8Array(0) })) };
  const copy = readTflite(writeTflite(bare));
  copy.buffers = model.buffers.map((b) => ({ data: b.data }));
  return copy;
}

/** Operator counts, with `glue` op names (QUANTIZE/DEQUANTIZE) counted apart. */
export function countOps(model: TflModel, glue: Set<string>): { glue: number; other: number } {
  let g = 0;
  let other = 0;
  for (const sg of model.subgraphs)
    for (const op of sg.operators) {
      if (glue.has(opName(model.operatorCodes[op.opcodeIndex]))) g++;
      else other++;
    }
  return { glue: g, other };
}
