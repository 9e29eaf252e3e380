/**
 * ONNX's own backend node tests (Debian libonnx-testdata) run through Lowbit's ONNX → TFLite
 * converter and Lowbit's interpreter. Each test folder holds `model.onnx` (usually one node) and
 * `test_data_set_0/{input,output}_N.pb` (TensorProtos). One case:
 *
 *   1. read the model; bake the inputs a TFLite model needs fixed into initializers (see
 *      `bakedInputs`: integer parameter inputs — shapes, axes, pads, indices — and the float
 *      parameters listed in FLOAT_PARAMETER_INPUTS: weights, statistics, bounds, scales), as an
 *      exported model has them;
 *   2. convert to TFLite bytes, read them back, run the interpreter on the remaining inputs;
 *   3. compare each output with the expected one: |got - want| ≤ 1e-4 × the expected output's
 *      range (max - min; 1 when the output is constant), exact for integer and bool outputs.
 *
 * Outcomes: `pass`; `refused` (the converter threw UnsupportedOpError: an op, attribute value or
 * dtype it does not implement, named in the message); `mismatch` or `error` (anything else: a
 * defect). The test asserts there are no defects and that every test of an op outside the
 * converter's list is refused; `npm run gen:onnx-ops` writes the per-op counts to docs/onnx-ops.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { UnsupportedOpError } from '../../main/engine/errors';
import { Interpreter } from '../../main/engine/interpreter';
import { numElements } from '../../main/engine/tensor/dtype';
import { readTflite } from '../../main/engine/tflite/reader';
import {
  ModelProtoSchema,
  TensorProtoSchema,
  type ModelProto,
  type ValueInfoProto,
} from '../../main/engine/onnx/proto/onnx_pb';
import { tensorDims, tensorValues } from '../../main/engine/onnx/tensor-data';
import { OnnxDataType } from '../../main/engine/onnx/data-type';
import { convertNodeTestModel, SUPPORTED_NODE_TEST_OPS } from './onnx-node-convert';

export const ONNX_NODE_TESTS_DIR = '/usr/include/onnx/backend/test/data/node';

/** How docs/onnx-ops.md names where the tests come from. */
export const NODE_TESTS_SOURCE = `Debian libonnx-testdata (\`${ONNX_NODE_TESTS_DIR}\`)`;

/** Relative tolerance against the expected output's range (the acceptance criterion). */
export const RELATIVE_TOLERANCE = 1e-4;

export type NodeTestStatus = 'pass' | 'refused' | 'mismatch' | 'error';

export interface NodeTestOutcome {
  /** Folder name, e.g. `test_conv_with_autopad_same`. */
  test: string;
  /** Distinct op types of the model's graph, sorted. */
  ops: string[];
  /** Ops of the graph that are not in the converter's list. */
  unsupportedOps: string[];
  status: NodeTestStatus;
  /** The refusal or failure message (one line); empty for a pass. */
  detail: string;
  /** Graph inputs baked into initializers before conversion. */
  baked: string[];
}

/**
 * Float inputs that are parameters of the op, not data: weights, biases, statistics, bounds,
 * scales. ONNX feeds them at run time in the node tests; an exported model has them as
 * initializers (op type → input positions).
 */
const FLOAT_PARAMETER_INPUTS: Readonly<Record<string, readonly number[]>> = {
  BatchNormalization: [1, 2, 3, 4],
  Clip: [1, 2],
  Conv: [1, 2],
  Dropout: [1],
  ConvTranspose: [1, 2],
  Gemm: [1, 2],
  MatMul: [1],
  Pad: [2],
  Resize: [1, 2],
  Upsample: [1],
};

const FLOAT_TYPES = new Set<number>([
  OnnxDataType.FLOAT,
  OnnxDataType.FLOAT16,
  OnnxDataType.DOUBLE,
  OnnxDataType.BFLOAT16,
]);

export function nodeTestsAvailable(): boolean {
  return fs.existsSync(ONNX_NODE_TESTS_DIR);
}

export function listNodeTests(): string[] {
  return fs
    .readdirSync(ONNX_NODE_TESTS_DIR)
    .filter((t) => fs.existsSync(path.join(ONNX_NODE_TESTS_DIR, t, 'model.onnx')))
    .sort();
}

type Values = ReturnType<typeof tensorValues>;

export interface Tensor {
  dataType: number;
  dims: number[];
  values: Values;
  /** A graph input that no node reads. */
  unused?: boolean;
}

/** The element type each value info declares (0 when it is not a tensor). */
function declaredTypes(infos: readonly ValueInfoProto[]): number[] {
  return infos.map((v) => (v.type?.value.case === 'tensorType' ? v.type.value.value.elemType : 0));
}

/**
 * input_N.pb / output_N.pb. ONNX 1.12 wrote its bfloat16 test tensors as uint16 bit patterns
 * (numpy has no bfloat16); where the graph declares bfloat16 they are read as bfloat16.
 */
function readTensors(dir: string, prefix: 'input' | 'output', declared: readonly number[]): Tensor[] {
  const out: Tensor[] = [];
  for (let i = 0; ; i++) {
    const file = path.join(dir, `${prefix}_${i}.pb`);
    if (!fs.existsSync(file)) return out;
    const t = fromBinary(TensorProtoSchema, fs.readFileSync(file));
    if (t.dataType === OnnxDataType.UINT16 && declared[i] === OnnxDataType.BFLOAT16)
      t.dataType = OnnxDataType.BFLOAT16;
    out.push({ dataType: t.dataType, dims: tensorDims(t), values: tensorValues(t) });
  }
}

/**
 * Positions (among the runtime inputs) baked into initializers: an input that no node reads as
 * its data (input 0) and that some node reads as a parameter — an integer one (shape, axes,
 * pads, indices, exponent) or one listed in FLOAT_PARAMETER_INPUTS.
 */
export function bakedInputs(model: ModelProto, inputs: readonly Tensor[]): Set<number> {
  const graph = model.graph!;
  const initialized = new Set(graph.initializer.map((t) => t.name));
  const runtimeInputs = graph.input.filter((v) => !initialized.has(v.name));
  const baked = new Set<number>();
  runtimeInputs.forEach((v, i) => {
    if (i >= inputs.length) return;
    const readers = graph.node.flatMap((node) =>
      node.input.flatMap((name, slot) => (name === v.name ? [{ op: node.opType, slot }] : [])),
    );
    if (readers.length === 0 || readers.some((r) => r.slot === 0)) return;
    const integer = !FLOAT_TYPES.has(inputs[i].dataType);
    if (integer || readers.some((r) => (FLOAT_PARAMETER_INPUTS[r.op] ?? []).includes(r.slot))) baked.add(i);
  });
  return baked;
}

/** The model with the chosen runtime inputs moved into initializers (their test values). */
function withBakedInputs(model: ModelProto, inputFiles: readonly string[], baked: Set<number>): ModelProto {
  const copy = fromBinary(ModelProtoSchema, toBinary(ModelProtoSchema, model));
  const graph = copy.graph!;
  const initialized = new Set(graph.initializer.map((t) => t.name));
  const runtimeInputs = graph.input.filter((v) => !initialized.has(v.name));
  const names = new Set<string>();
  for (const i of baked) {
    const tensor = fromBinary(TensorProtoSchema, fs.readFileSync(inputFiles[i]));
    tensor.name = runtimeInputs[i].name;
    graph.initializer.push(create(TensorProtoSchema, tensor));
    names.add(tensor.name);
  }
  graph.input = graph.input.filter((v) => !names.has(v.name));
  return copy;
}

/** Max |got - want| allowed for one output: the tolerance times the expected range. */
export function allowedError(want: ArrayLike<number>): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < want.length; i++) {
    const v = want[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const range = hi > lo ? hi - lo : 1;
  return RELATIVE_TOLERANCE * range;
}

/** The first element that differs beyond the tolerance, described, or '' when all match. */
export function compareOutput(got: ArrayLike<number | bigint>, want: Values, dataType: number): string {
  if (got.length !== want.length) return `${got.length} elements, expected ${want.length}`;
  const exact = !FLOAT_TYPES.has(dataType);
  const w = Array.from(want as ArrayLike<number | bigint>, Number);
  const g = Array.from(got, Number);
  const tol = exact ? 0 : allowedError(w);
  for (let i = 0; i < w.length; i++) {
    if (Number.isNaN(w[i]) && Number.isNaN(g[i])) continue;
    if (w[i] === g[i]) continue;
    if (!(Math.abs(g[i] - w[i]) <= tol)) return `element ${i}: ${g[i]}, expected ${w[i]} (tolerance ${tol})`;
  }
  return '';
}

function oneLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.split('\n')[0];
}

/** A converted node test: the TFLite bytes, the inputs it is fed, the outputs ONNX expects. */
export interface ConvertedNodeTest {
  tflite: Uint8Array;
  inputs: Tensor[];
  expected: Tensor[];
}

/** Runs the converted model in Lowbit's interpreter: '' when every output matches, else why not. */
function interpreterMismatch(c: ConvertedNodeTest): { status: NodeTestStatus; detail: string } | undefined {
  const interpreter = Interpreter.create(readTflite(c.tflite));
  if (interpreter.inputs.length !== c.inputs.length)
    return {
      status: 'error',
      detail: `the TFLite model has ${interpreter.inputs.length} inputs, ${c.inputs.length} expected`,
    };
  c.inputs.forEach((t, i) => {
    // ONNX 1.12's CastLike tests give an input no node reads fewer values than it declares.
    if (t.unused && t.values.length !== numElements(interpreter.inputs[i].shape)) return;
    interpreter.setInput(i, t.values as Parameters<Interpreter['setInput']>[1]);
  });
  interpreter.invoke();
  if (interpreter.outputs.length !== c.expected.length)
    return {
      status: 'error',
      detail: `${interpreter.outputs.length} outputs, ${c.expected.length} expected`,
    };
  for (let i = 0; i < c.expected.length; i++) {
    const got = interpreter.output(i);
    const want = c.expected[i];
    if (got.shape.join(',') !== want.dims.join(','))
      return { status: 'mismatch', detail: `output ${i} has shape [${got.shape}], expected [${want.dims}]` };
    const diff = compareOutput(got.data as ArrayLike<number | bigint>, want.values, want.dataType);
    if (diff) return { status: 'mismatch', detail: `output ${i}: ${diff}` };
  }
  return undefined;
}

/**
 * Converts and runs one node test; never throws (a thrown error is the `error` outcome).
 * `keep` receives the converted model of a test that converts (for a second runtime).
 */
export function runNodeTest(test: string, keep?: (c: ConvertedNodeTest) => void): NodeTestOutcome {
  const dir = path.join(ONNX_NODE_TESTS_DIR, test);
  const model = fromBinary(ModelProtoSchema, fs.readFileSync(path.join(dir, 'model.onnx')));
  const ops = [...new Set(model.graph!.node.map((n) => n.opType))].sort();
  const unsupportedOps = ops.filter((op) => !SUPPORTED_NODE_TEST_OPS.has(op));
  let baked: string[] = [];
  const outcome = (status: NodeTestStatus, detail = ''): NodeTestOutcome => ({
    test,
    ops,
    unsupportedOps,
    status,
    detail,
    baked,
  });
  const dataDir = path.join(dir, 'test_data_set_0');
  try {
    let inputs: Tensor[] = [];
    let expected: Tensor[] | undefined;
    let dataProblem = '';
    try {
      const graph = model.graph!;
      const initialized = new Set(graph.initializer.map((t) => t.name));
      inputs = readTensors(
        dataDir,
        'input',
        declaredTypes(graph.input.filter((v) => !initialized.has(v.name))),
      );
      expected = readTensors(dataDir, 'output', declaredTypes(graph.output));
    } catch (e) {
      // Test data Lowbit cannot decode (strings, sequences): the conversion must still refuse.
      dataProblem = oneLine(e);
    }
    const bake = bakedInputs(model, inputs);
    const initialized = new Set(model.graph!.initializer.map((t) => t.name));
    const runtimeNames = model.graph!.input.filter((v) => !initialized.has(v.name)).map((v) => v.name);
    baked = [...bake].map((i) => runtimeNames[i]);
    const inputFiles = inputs.map((_, i) => path.join(dataDir, `input_${i}.pb`));
    let tflite: Uint8Array;
    try {
      tflite = convertNodeTestModel(
        toBinary(ModelProtoSchema, withBakedInputs(model, inputFiles, bake)),
        `${test}.onnx`,
      );
    } catch (e) {
      // Only the converter may refuse: an interpreter refusal later is a defect of the conversion.
      if (e instanceof UnsupportedOpError) return outcome('refused', oneLine(e.message));
      throw e;
    }
    if (!expected) return outcome('error', `converted, but the test data is unreadable: ${dataProblem}`);
    const read = new Set(model.graph!.node.flatMap((n) => n.input));
    const fed = runtimeNames.flatMap((name, i) =>
      bake.has(i) || !inputs[i] ? [] : [{ ...inputs[i], unused: !read.has(name) }],
    );
    const converted = { tflite, inputs: fed, expected };
    keep?.(converted);
    const problem = interpreterMismatch(converted);
    return problem ? outcome(problem.status, problem.detail) : outcome('pass');
  } catch (e) {
    return outcome('error', oneLine(e));
  }
}
