import { create, toBinary } from '@bufbuild/protobuf';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ONNX_NODE_TESTS, onnxPythonMissing, runOnnxPython } from '../../../test/support/onnx-python';
import { chainParts, emptyNodesModel, nestedModel } from '../../../test/support/crafted-onnx';
import { node, onnxBytes, onnxModel, valueInfo } from '../../../test/support/onnx-models';
import { ModelFormatError } from '../errors';
import { makeTensorProto, OnnxDataType } from './tensor-data';
import { ModelProtoSchema, StringStringEntryProtoSchema } from './proto/onnx_pb';
import { readOnnx } from './reader';
import { writeOnnx } from './writer';

const x = valueInfo('x', ['batch', 4]);
const y = valueInfo('y', ['batch', 4]);
/** x → Relu → a → Neg → y */
const chain = chainParts;

describe.skipIf(onnxPythonMissing() !== null)(
  "readOnnx on ONNX's backend node tests (python3-onnx as truth)",
  () => {
    it('reads all of them with the node count, IR version and opsets onnx.load sees', () => {
      const dirs = fs.readdirSync(ONNX_NODE_TESTS).sort();
      const want = runOnnxPython<[number, number, Record<string, number>][]>(
        `
import json, os, sys, onnx
out = []
for d in json.load(sys.stdin):
    m = onnx.load(os.path.join(${JSON.stringify(ONNX_NODE_TESTS)}, d, 'model.onnx'))
    out.append([len(m.graph.node), m.ir_version, {('' if o.domain == 'ai.onnx' else o.domain): o.version for o in m.opset_import}])
print(json.dumps(out))`,
        dirs,
      );
      expect(dirs.length).toBeGreaterThan(900);
      dirs.forEach((d, k) => {
        const m = readOnnx(fs.readFileSync(path.join(ONNX_NODE_TESTS, d, 'model.onnx')), d);
        const [nodes, ir, opsets] = want[k]!;
        expect([d, m.nodes.length, m.irVersion, Object.fromEntries(m.opsets)]).toEqual([
          d,
          nodes,
          ir,
          opsets,
        ]);
      });
    });
  },
);

describe('readOnnx: what it gives consumers', () => {
  it('indexes value infos and initializers, keeps symbolic dims and separates real inputs', () => {
    const w = makeTensorProto('w', OnnxDataType.FLOAT, [4], Float32Array.of(1, 2, 3, 4));
    const bytes = onnxBytes({
      nodes: [node('Add', ['x', 'w'], ['y'])],
      inputs: [x, valueInfo('w', [4])],
      outputs: [y],
      initializers: [w],
    });
    const m = readOnnx(bytes, 'add.onnx');
    expect(m.opset).toBe(13);
    expect(m.irVersion).toBe(8);
    expect(m.inputs.map((i) => i.name)).toEqual(['x']);
    expect([...m.initializers.keys()]).toEqual(['w']);
    expect([...m.valueInfo.keys()].sort()).toEqual(['w', 'x', 'y']);
    expect(m.byteLength).toBe(bytes.length);
  });

  it('sorts nodes listed out of order (ONNX requires order, Lowbit does not trust it)', () => {
    const p = chain();
    p.nodes.reverse();
    const m = readOnnx(onnxBytes(p), 'rev.onnx');
    expect(m.nodes.map((n) => n.opType)).toEqual(['Relu', 'Neg']);
  });

  it('writes back what it read, byte for byte', () => {
    const bytes = onnxBytes(chain());
    expect(writeOnnx(readOnnx(bytes, 'chain.onnx'))).toEqual(bytes);
  });
});

describe('readOnnx: bad input is a one-line ModelFormatError naming the file and the problem', () => {
  const refuse = (bytes: Uint8Array, message: RegExp) => {
    let error: unknown;
    try {
      readOnnx(bytes, 'bad.onnx');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelFormatError);
    const text = (error as Error).message;
    expect(text).toMatch(/^bad\.onnx: /);
    expect(text).not.toContain('\n');
    expect(text).toMatch(message);
  };

  it('truncated protobuf', () => {
    const bytes = onnxBytes(chain());
    refuse(
      bytes.subarray(0, bytes.length - 5),
      /not a valid ONNX protobuf at byte \d+ \(ModelProto\.\w+\): truncated/,
    );
  });

  it('a TFLite file, and bytes that are not protobuf', () => {
    const tflite = new Uint8Array(64);
    tflite.set([0x54, 0x46, 0x4c, 0x33], 4);
    refuse(tflite, /is a TFLite model .*not ONNX/);
    refuse(new TextEncoder().encode('{"not": "onnx"}'), /not a valid ONNX protobuf at byte/);
  });

  it('no graph', () => {
    const m = onnxModel(chain());
    m.graph = undefined;
    refuse(toBinary(ModelProtoSchema, m), /has no graph/);
  });

  it('a cycle', () => {
    refuse(
      onnxBytes({
        nodes: [node('Relu', ['b'], ['a']), node('Neg', ['a'], ['b']), node('Abs', ['x'], ['y'])],
        inputs: [x],
        outputs: [y],
      }),
      /the graph has a cycle: node 0 "a" \(Relu\), node 1 "b" \(Neg\) wait on each other/,
    );
  });

  it('a node input that nothing produces, and a graph output nothing produces', () => {
    refuse(
      onnxBytes({ nodes: [node('Add', ['x', 'ghost'], ['y'])], inputs: [x], outputs: [y] }),
      /node 0 "y" \(Add\) has input "ghost", which no node, input or initializer produces/,
    );
    refuse(
      onnxBytes({ nodes: [node('Relu', ['x'], ['a'])], inputs: [x], outputs: [y] }),
      /graph output "y" is produced by nothing/,
    );
  });

  it('a value produced twice', () => {
    refuse(
      onnxBytes({
        nodes: [node('Relu', ['x'], ['y'], 'r1'), node('Neg', ['x'], ['y'], 'r2')],
        inputs: [x],
        outputs: [y],
      }),
      /node 1 "r2" \(Neg\) outputs "y", which node 0 "r1" \(Relu\) already produces/,
    );
    refuse(
      onnxBytes({ nodes: [node('Relu', ['x'], ['x'])], inputs: [x], outputs: [x] }),
      /outputs "x", which a graph input or initializer already produces/,
    );
  });

  it('unsupported IR version or opset, an unimported domain', () => {
    refuse(onnxBytes({ ...chain(), irVersion: 2 }), /IR version 2 is not supported \(Lowbit reads 3\.\.14\)/);
    refuse(onnxBytes({ ...chain(), opset: 99 }), /opset 99 is not supported/);
    const p = chain();
    p.nodes[0]!.domain = 'com.example';
    refuse(onnxBytes(p), /node "a" \(Relu\) uses domain "com\.example", which the model does not import/);
  });

  it('an initializer whose data does not match its dims', () => {
    const w = makeTensorProto('w', OnnxDataType.FLOAT, [4], new Float32Array(4));
    w.dims = [5n];
    refuse(
      onnxBytes({ nodes: [node('Add', ['x', 'w'], ['y'])], inputs: [x], outputs: [y], initializers: [w] }),
      /tensor "w": 16 bytes of data where its dims need 20/,
    );
  });

  it('external data without a way to read it', () => {
    const w = makeTensorProto('w', OnnxDataType.FLOAT, [4], new Float32Array(4));
    w.rawData = new Uint8Array(0);
    w.dataLocation = 1;
    w.externalData = [create(StringStringEntryProtoSchema, { key: 'location', value: 'w.bin' })];
    refuse(
      onnxBytes({ nodes: [node('Add', ['x', 'w'], ['y'])], inputs: [x], outputs: [y], initializers: [w] }),
      /tensor "w": its data is in the external file "w\.bin", but the model was read without its folder/,
    );
  });

  it('nesting past the limit, and many empty nodes past the memory budget, before decoding', () => {
    refuse(nestedModel(70), /nested more than 64 messages deep/);
    // 2 MiB of 2-byte empty NodeProtos: each would decode to an object with every NodeProto field.
    refuse(
      emptyNodesModel(2 ** 20),
      /message ModelProto\.graph\.node would take the model past its memory limit/,
    );
  });
});
