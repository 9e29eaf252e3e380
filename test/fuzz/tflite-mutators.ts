/**
 * Semantic TFLite mutations: the model is read, one field of its object model is changed (a
 * tensor's shape, type, buffer or quantization, an operator's inputs, options or opcode, a
 * buffer's length) and the model is written again. The file stays a well-formed flatbuffer, so
 * the case gets past the reader into the kernels' prepare and eval, where byte flips rarely go.
 *
 * Adding one: a function of (model, rng) returning its description, in SEMANTIC.
 */
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import type { TflModel } from '../../main/engine/tflite/model';
import type { Mutated, Rng } from './mutators';

type Semantic = (m: TflModel, rng: Rng) => string;

const DIMS = [0, 1, 2, 3, 7, 255, 4096, 65536, 1 << 20, 0x7fffffff, -1];
const NUMBERS = [0, -1, 1, 2, 3, 7, 99, 255, 65535, 0x7fffffff, -0x80000000];
const SCALES = [0, -1, 1e-45, 1e30, Infinity, NaN, 1, 0.5];

function someTensor(m: TflModel, rng: Rng) {
  const sg = rng.pick(m.subgraphs);
  return sg.tensors.length > 0 ? { sg, t: rng.pick(sg.tensors) } : null;
}

const tensorShape: Semantic = (m, rng) => {
  const found = someTensor(m, rng);
  if (!found) return 'no tensor';
  const { t } = found;
  if (rng.chance(0.25) || t.shape.length === 0) {
    t.shape = rng.chance(0.5) ? [...t.shape, rng.pick(DIMS)] : t.shape.slice(1);
  } else {
    t.shape[rng.int(t.shape.length)] = rng.pick(DIMS);
  }
  return `tensor "${t.name}" shape [${t.shape.join(',')}]`;
};

const tensorType: Semantic = (m, rng) => {
  const found = someTensor(m, rng);
  if (!found) return 'no tensor';
  found.t.type = rng.int(20);
  return `tensor "${found.t.name}" type ${found.t.type}`;
};

const tensorBuffer: Semantic = (m, rng) => {
  const found = someTensor(m, rng);
  if (!found) return 'no tensor';
  found.t.buffer = rng.int(m.buffers.length);
  return `tensor "${found.t.name}" buffer ${found.t.buffer}`;
};

const tensorQuantization: Semantic = (m, rng) => {
  const found = someTensor(m, rng);
  const q = found?.t.quantization;
  if (!found || !q) return 'no quantized tensor';
  const what = rng.int(4);
  if (what === 0)
    q.scale = rng.chance(0.5) ? [] : Array.from({ length: 1 + rng.int(3) }, () => rng.pick(SCALES));
  else if (what === 1) q.zeroPoint = [BigInt(rng.pick(NUMBERS))];
  else if (what === 2) q.quantizedDimension = rng.pick(NUMBERS);
  else q.scale = q.scale.map(() => rng.pick(SCALES));
  return `tensor "${found.t.name}" quantization scale [${q.scale}] zero point [${q.zeroPoint}] dim ${q.quantizedDimension}`;
};

const operatorInputs: Semantic = (m, rng) => {
  const sg = rng.pick(m.subgraphs);
  if (sg.operators.length === 0) return 'no operator';
  const op = rng.pick(sg.operators);
  const list = rng.chance(0.6) ? op.inputs : op.outputs;
  const roll = rng.float();
  if (list.length === 0 || roll < 0.2) list.push(rng.int(sg.tensors.length));
  else if (roll < 0.4) list.pop();
  else list[rng.int(list.length)] = rng.chance(0.2) ? -1 : rng.int(sg.tensors.length);
  return `operator inputs [${op.inputs}] outputs [${op.outputs}]`;
};

/** A numeric (or numeric array) field of the operator's options set to an odd value. */
const operatorOptions: Semantic = (m, rng) => {
  const sg = rng.pick(m.subgraphs);
  const withOptions = sg.operators.filter((o) => o.builtinOptions);
  if (withOptions.length === 0) return 'no operator options';
  const options = rng.pick(withOptions).builtinOptions as unknown as Record<string, unknown>;
  const fields = Object.keys(options).filter(
    (k) => typeof options[k] === 'number' || Array.isArray(options[k]),
  );
  if (fields.length === 0) return 'no numeric option';
  const field = rng.pick(fields);
  options[field] = Array.isArray(options[field]) ? [rng.pick(NUMBERS), rng.pick(NUMBERS)] : rng.pick(NUMBERS);
  return `option ${field} = ${String(options[field])}`;
};

const operatorCode: Semantic = (m, rng) => {
  if (m.operatorCodes.length === 0) return 'no operator code';
  const code = rng.pick(m.operatorCodes);
  const other = rng.pick(m.operatorCodes);
  if (rng.chance(0.5)) code.builtinCode = other.builtinCode;
  else code.builtinCode = rng.int(210);
  code.deprecatedBuiltinCode = Math.min(code.builtinCode, 127);
  if (rng.chance(0.3)) code.version = rng.pick(NUMBERS);
  return `opcode -> ${code.builtinCode} v${code.version}`;
};

const bufferLength: Semantic = (m, rng) => {
  const nonEmpty = m.buffers.filter((b) => b.data.length > 0);
  if (nonEmpty.length === 0) return 'no buffer';
  const b = rng.pick(nonEmpty);
  const n = rng.chance(0.5) ? rng.int(b.data.length) : b.data.length + 1 + rng.int(64);
  const data = new Uint8Array(n);
  data.set(b.data.subarray(0, n));
  b.data = data;
  return `buffer of ${n} bytes`;
};

const SEMANTIC: readonly Semantic[] = [
  tensorShape,
  tensorShape,
  tensorType,
  tensorBuffer,
  tensorQuantization,
  operatorInputs,
  operatorOptions,
  operatorOptions,
  operatorCode,
  bufferLength,
];

/** Reads, changes one or two fields, writes; null when the seed does not read or write back. */
export function mutateTfliteModel(bytes: Uint8Array, rng: Rng): Mutated | null {
  try {
    const model = readTflite(bytes);
    const what = [rng.pick(SEMANTIC)(model, rng)];
    if (rng.chance(0.25)) what.push(rng.pick(SEMANTIC)(model, rng));
    return { bytes: writeTflite(model), what: `model: ${what.join('; ')}` };
  } catch {
    return null;
  }
}
