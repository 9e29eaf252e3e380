/**
 * Structure-aware mutations of ONNX models: the seed is decoded with the generated codec, one
 * thing a hostile or broken exporter could write is changed in the message (a node input renamed
 * to make a cycle or a dangling edge, a value produced twice, dims and data types that disagree
 * with the data, external data that escapes the folder or runs past its file, opsets and IR
 * versions out of range, subgraphs nested deep), and the message is encoded again, so the
 * reader's checks past the wire level are reached. Byte-level damage (truncation, flipped bits)
 * is the blind mutators' job.
 *
 * Adding a mutation: a function in ONNX_MUTATIONS that changes the ModelProto and says what.
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  ModelProtoSchema,
  StringStringEntryProtoSchema,
  TensorProto_DataLocation,
  type ModelProto,
} from '../../main/engine/onnx/proto/onnx_pb';
import type { Mutated, Rng } from './mutators';

/** The data file every ONNX case has beside its model (see CaseFactory.onnxCase). */
export const ONNX_DATA_FILE = 'weights.bin';
export const ONNX_DATA_BYTES = 4096;

const BIG = [0n, 1n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n, 2n ** 53n, 2n ** 63n - 1n, -1n, -(2n ** 63n)];
const LOCATIONS = [
  ONNX_DATA_FILE,
  `./${ONNX_DATA_FILE}`,
  `../${ONNX_DATA_FILE}`,
  '/etc/passwd',
  'missing.bin',
  'sub/../../x',
  '',
  '.',
];
const NUMBERS = ['0', '16', '4096', '4097', '99999999999', '-1', '1e3', '0x10', '18446744073709551616'];

type OnnxMutation = (m: ModelProto, rng: Rng) => string;

const valueNames = (m: ModelProto): string[] => {
  const g = m.graph!;
  return [
    ...g.input.map((i) => i.name),
    ...g.initializer.map((t) => t.name),
    ...g.node.flatMap((n) => n.output),
  ];
};

const ONNX_MUTATIONS: OnnxMutation[] = [
  (m, rng) => {
    const n = rng.pick(m.graph!.node);
    if (!n || n.input.length === 0) return 'no node input to rename';
    const k = rng.int(n.input.length);
    n.input[k] = rng.chance(0.7) ? rng.pick(valueNames(m)) : 'ghost';
    return `node "${n.name}" input ${k} -> "${n.input[k]}"`;
  },
  (m, rng) => {
    const n = rng.pick(m.graph!.node);
    if (!n) return 'no node to duplicate';
    m.graph!.node.push(n);
    return `node "${n.name}" listed twice`;
  },
  (m) => {
    m.graph!.node.reverse();
    return 'nodes reversed';
  },
  (m, rng) => {
    const t = rng.pick(m.graph!.initializer);
    if (!t) return 'no initializer';
    const k = rng.int(t.dims.length + 1);
    t.dims[k] = rng.pick(BIG);
    return `initializer "${t.name}" dim ${k} = ${t.dims[k]}`;
  },
  (m, rng) => {
    const t = rng.pick(m.graph!.initializer);
    if (!t) return 'no initializer';
    t.dataType = rng.int(30);
    return `initializer "${t.name}" data type ${t.dataType}`;
  },
  (m, rng) => {
    const t = rng.pick(m.graph!.initializer);
    if (!t) return 'no initializer';
    t.rawData = t.rawData.subarray(0, rng.int(t.rawData.length + 1));
    return `initializer "${t.name}" raw_data cut to ${t.rawData.length}`;
  },
  (m, rng) => {
    const t = rng.pick(m.graph!.initializer);
    if (!t) return 'no initializer';
    t.rawData = new Uint8Array(0);
    t.dataLocation = TensorProto_DataLocation.EXTERNAL;
    const entry = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });
    t.externalData = [entry('location', rng.pick(LOCATIONS))];
    if (rng.chance(0.6)) t.externalData.push(entry('offset', rng.pick(NUMBERS)));
    if (rng.chance(0.6)) t.externalData.push(entry('length', rng.pick(NUMBERS)));
    return `initializer "${t.name}" external ${t.externalData.map((e) => `${e.key}=${e.value}`).join(' ')}`;
  },
  (m, rng) => {
    const o = m.opsetImport[0];
    if (o) o.version = rng.pick(BIG);
    m.irVersion = rng.chance(0.5) ? m.irVersion : rng.pick(BIG);
    return `opset ${o?.version} IR ${m.irVersion}`;
  },
  (m) => {
    m.graph = undefined;
    return 'graph removed';
  },
  (m, rng) => {
    // The graph as the body of one of its own nodes, a few levels deep.
    const depth = 1 + rng.int(80);
    let g = m.graph!;
    for (let k = 0; k < depth; k++) {
      const outer = { ...m.graph! };
      const n = outer.node[0];
      if (!n) return 'no node to nest in';
      outer.node = [
        {
          ...n,
          attribute: [
            create(AttributeProtoSchema, { name: 'body', type: AttributeProto_AttributeType.GRAPH, g }),
          ],
        },
        ...outer.node.slice(1),
      ];
      g = outer;
    }
    m.graph = g;
    return `graph nested ${depth} deep`;
  },
  (m, rng) => {
    const v = rng.pick([...m.graph!.input, ...m.graph!.output]);
    const t = v?.type?.value.case === 'tensorType' ? v.type.value.value : undefined;
    const d = t?.shape?.dim[0];
    if (!d) return 'no dims to change';
    d.value = rng.chance(0.5)
      ? { case: 'dimValue', value: rng.pick(BIG) }
      : { case: 'dimParam', value: 'n'.repeat(rng.int(300)) };
    return `value "${v!.name}" dim 0 changed`;
  },
  (m, rng) => {
    const n = rng.pick(m.graph!.node);
    if (!n) return 'no node';
    n.domain = rng.pick(['com.microsoft', 'ai.onnx', 'x', '']);
    n.opType = rng.pick([
      'QuantizeLinear',
      'DequantizeLinear',
      'QLinearConv',
      'QLinearMatMul',
      'Constant',
      n.opType,
    ]);
    return `node "${n.name}" is ${n.domain}.${n.opType}`;
  },
];

/** One structure-aware mutation, or null when the seed does not decode (then mutate blindly). */
export function mutateOnnxModel(bytes: Uint8Array, rng: Rng): Mutated | null {
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch {
    return null;
  }
  if (!model.graph) return null;
  const what = rng.pick(ONNX_MUTATIONS)(model, rng);
  return { bytes: toBinary(ModelProtoSchema, model), what };
}
