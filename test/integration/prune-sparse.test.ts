// Issue 8: pruned weights stored in TFLite's sparse format: the file shrinks, reads back, and the
// interpreter (which densifies sparse constants at load) gives bit-identical outputs.
import { describe, expect, it } from 'vitest';
import { randomInput, runFloat, smallCnn } from '../support/prune-fixtures';
import { pruneModel, weightStats } from '../../main/engine/optimize/prune/index';
import { ModelFormatError } from '../../main/engine/errors';
import { Interpreter } from '../../main/engine/interpreter/index';
import { DimensionType } from '../../main/engine/tflite/generated/tflite';
import type { TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { armnnAvailable, ArmnnUnsupportedError } from '../support/armnn';
import { armnnOnModel, loadShared, personInt8, runReal } from '../support/quantize-helpers';

const sizeOf = (m: TflModel) => writeTflite(m).length;

describe('sparse storage of pruned weights', () => {
  const base = smallCnn();
  for (const s of [0.5, 0.8]) {
    it(`sparsity ${s}: FC-only and all-layer sparse files are smaller than the dense twin, outputs identical`, () => {
      const dense = pruneModel(base, { sparsity: s, minWeights: 0 });
      const fc = pruneModel(base, { sparsity: s, minWeights: 0, sparseFormat: 'fc' });
      const all = pruneModel(base, { sparsity: s, minWeights: 0, sparseFormat: 'all' });
      const bytes = { dense: sizeOf(dense.model), fc: sizeOf(fc.model), all: sizeOf(all.model) };
      expect(bytes.fc).toBeLessThan(bytes.dense);
      expect(bytes.all).toBeLessThan(bytes.fc);
      // float32 values + 1-2 byte column indices: at 50 % the FC weights take ≈ 0.5 × (4+2)/4.
      expect(bytes.all / bytes.dense).toBeLessThan(s === 0.5 ? 0.8 : 0.35);
      expect(fc.sparse!.tensors.map((t) => t.name)).toEqual(['fc1/weights', 'fc2/weights']);
      expect(fc.warnings).toEqual([]);
      expect(all.warnings.join('\n')).toMatch(/DENSIFY/);
      const fcBack = readTflite(writeTflite(fc.model));
      const allBack = readTflite(writeTflite(all.model));
      const w = fcBack.subgraphs[0].tensors.find((t) => t.name === 'fc1/weights')!;
      expect(w.sparsity!.traversalOrder).toEqual([0, 1]);
      expect(w.sparsity!.dimMetadata.map((d) => d.format)).toEqual([
        DimensionType.DENSE,
        DimensionType.SPARSE_CSR,
      ]);
      // Densified statistics equal the dense twin's.
      expect(weightStats(allBack).map((l) => [l.name, l.zeros, l.uniqueValues])).toEqual(
        weightStats(dense.model).map((l) => [l.name, l.zeros, l.uniqueValues]),
      );
      for (let k = 0; k < 3; k++) {
        const ref = runFloat(dense.model, randomInput(20 + k));
        expect(runFloat(fcBack, randomInput(20 + k))).toEqual(ref);
        expect(runFloat(allBack, randomInput(20 + k))).toEqual(ref);
      }
    });
  }

  it('int8 person_detect pruned 70 % and stored sparse (all layers): smaller, identical outputs', () => {
    const pd = loadShared('person_detect.tflite');
    const dense = pruneModel(pd, { sparsity: 0.7 }).model;
    const sparse = readTflite(writeTflite(pruneModel(pd, { sparsity: 0.7, sparseFormat: 'all' }).model));
    expect(sizeOf(sparse)).toBeLessThan(sizeOf(dense));
    for (const img of ['person', 'no_person'] as const) {
      expect(runReal(sparse, [personInt8(img)])).toEqual(runReal(dense, [personInt8(img)]));
    }
  });

  it('a corrupted sparse tensor in a file is a ModelFormatError at load, naming the tensor', () => {
    const m = readTflite(
      writeTflite(pruneModel(base, { sparsity: 0.5, minWeights: 0, sparseFormat: 'fc' }).model),
    );
    const w = m.subgraphs[0].tensors.find((t) => t.name === 'fc1/weights')!;
    w.sparsity!.dimMetadata[1].arrayIndices!.values[3] = 9999;
    const bad = readTflite(writeTflite(m));
    expect(() => Interpreter.create(bad)).toThrow(ModelFormatError);
    expect(() => Interpreter.create(bad)).toThrow(/fc1\/weights.*index 9999 outside 0\.\.575/);
  });

  it.skipIf(!armnnAvailable())('Arm NN 20.08 on a sparse FC file: runs identically or refuses', () => {
    const fc = readTflite(
      writeTflite(pruneModel(base, { sparsity: 0.5, minWeights: 0, sparseFormat: 'fc' }).model),
    );
    const x = randomInput(9);
    try {
      const theirs = armnnOnModel(fc, [x]).outputs[0].data as Float32Array;
      const ours = runFloat(fc, x);
      for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i] - theirs[i])).toBeLessThan(1e-5);
    } catch (e) {
      // Recorded in docs/pruning-clustering.md: Arm NN's TFLite parser predates sparse tensors.
      if (!(e instanceof ArmnnUnsupportedError)) throw e;
      expect(e.message).toMatch(/Buffer #\d+ has \d+ bytes/);
    }
  });
});
