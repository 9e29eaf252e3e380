/**
 * The crafted cases of issue 18: files made to cost far more than their size (a model whose
 * buffers alias one region; decompression bombs and aliasing archives, from
 * test/support/crafted-datasets.ts) and paths that are not regular files (/dev/zero, a FIFO).
 * Every fuzz run (`npm run fuzz` and the seeded run in npm test) runs each of them once, under
 * the same time and memory limits as the random cases.
 *
 * Adding a crafted case: a dataset file goes in craftedDatasetFiles() (test/support), where its
 * own regression test checks it; anything else is an entry in CRAFTED_CASES whose `prepare`
 * writes what it needs into the case folder (or returns an outside path such as /dev/zero) and
 * returns the path to open.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as flatbuffers from 'flatbuffers';
import {
  Buffer as TflBufferTable,
  Model,
  SubGraph,
  Tensor,
  TensorType,
} from '../../main/engine/tflite/generated/tflite';
import { craftedDatasetFiles } from '../support/crafted-datasets';
import { imageBytes } from './seeds';

export interface CraftedCase {
  name: string;
  /** What the file is and what it would cost unbounded. */
  description: string;
  target: 'model' | 'dataset';
  /** Writes the case into `dir` and returns the path to open. */
  prepare(dir: string): string;
}

/**
 * A valid TFLite model of about 256 KB whose Model.buffers vector lists one 160 KiB buffer
 * 24,000 times: a reader that copies each entry needs 3.9 GB.
 */
export function aliasedBuffersModel(): Uint8Array {
  const b = new flatbuffers.Builder(300_000);
  const data = TflBufferTable.createDataVector(b, new Uint8Array(160 * 1024).fill(7));
  TflBufferTable.startBuffer(b);
  TflBufferTable.addData(b, data);
  const big = TflBufferTable.endBuffer(b);
  TflBufferTable.startBuffer(b);
  const empty = TflBufferTable.endBuffer(b);
  const buffers = Model.createBuffersVector(b, [empty, ...new Array<number>(24_000).fill(big)]);
  const tensors = [0, 1, 2].map((k) => {
    const name = b.createString(`t${k}`);
    const shape = Tensor.createShapeVector(b, k === 0 ? [1] : [40 * 1024]);
    Tensor.startTensor(b);
    Tensor.addShape(b, shape);
    Tensor.addType(b, TensorType.FLOAT32);
    Tensor.addBuffer(b, k);
    Tensor.addName(b, name);
    return Tensor.endTensor(b);
  });
  const subgraph = SubGraph.createSubGraph(
    b,
    SubGraph.createTensorsVector(b, tensors),
    SubGraph.createInputsVector(b, [0]),
    SubGraph.createOutputsVector(b, [0]),
    SubGraph.createOperatorsVector(b, []),
    b.createString('main'),
    0,
  );
  const subgraphs = Model.createSubgraphsVector(b, [subgraph]);
  const codes = Model.createOperatorCodesVector(b, []);
  Model.startModel(b);
  Model.addVersion(b, 3);
  Model.addOperatorCodes(b, codes);
  Model.addSubgraphs(b, subgraphs);
  Model.addBuffers(b, buffers);
  Model.finishModelBuffer(b, Model.endModel(b));
  return b.asUint8Array().slice();
}

function mkfifo(file: string): string {
  execFileSync('mkfifo', [file]);
  return file;
}

const IMAGE = /\.(png|jpe?g|bmp)$/i;

/**
 * A crafted dataset file as a user would give it: an image as the first file of a class folder
 * (beside a valid image in the other class), anything else on its own.
 */
function datasetCase(name: string, bytes: Uint8Array): CraftedCase {
  return {
    name,
    description: `${name} (${bytes.length} bytes, test/support/crafted-datasets.ts)`,
    target: 'dataset',
    prepare: (dir) => {
      if (!IMAGE.test(name)) {
        fs.writeFileSync(path.join(dir, name), bytes);
        return path.join(dir, name);
      }
      fs.mkdirSync(path.join(dir, 'a'));
      fs.mkdirSync(path.join(dir, 'b'));
      fs.writeFileSync(path.join(dir, 'a', name), bytes);
      fs.writeFileSync(path.join(dir, 'b', 'ok.png'), imageBytes('png', 0));
      return dir;
    },
  };
}

export const CRAFTED_CASES: readonly CraftedCase[] = [
  {
    name: 'tflite-aliased-buffers',
    description:
      '256 KB .tflite, Model.buffers lists one 160 KiB buffer 24,000 times (3.9 GB if each is copied)',
    target: 'model',
    prepare: (dir) => {
      fs.writeFileSync(path.join(dir, 'aliased.tflite'), aliasedBuffersModel());
      return path.join(dir, 'aliased.tflite');
    },
  },
  {
    name: 'dev-zero-model',
    description: '/dev/zero as a model',
    target: 'model',
    prepare: () => '/dev/zero',
  },
  {
    name: 'dev-zero-dataset',
    description: '/dev/zero as a dataset',
    target: 'dataset',
    prepare: () => '/dev/zero',
  },
  {
    name: 'fifo-model',
    description: 'a FIFO (no writer) named model.tflite',
    target: 'model',
    prepare: (dir) => mkfifo(path.join(dir, 'model.tflite')),
  },
  {
    name: 'fifo-dataset',
    description: 'a FIFO (no writer) named data.npy',
    target: 'dataset',
    prepare: (dir) => mkfifo(path.join(dir, 'data.npy')),
  },
  ...craftedDatasetFiles().map((f) => datasetCase(f.name, f.bytes)),
];
