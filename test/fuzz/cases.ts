/**
 * Fuzz cases: case `index` of a run with seed `seed` is a pure function of the two (and of the
 * seed files), so any case can be made again. A case is files to write into a fresh folder and
 * a job (paths relative to that folder) for a worker; crafted cases build their files when run.
 * A finding is saved as JSON with its files (base64), so it replays even if the seeds change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CRAFTED_CASES } from './crafted';
import { mutateFile } from './container-mutators';
import { mutate, Rng } from './mutators';
import {
  DATASET_FORMATS,
  DATASET_MODEL_VARIANTS,
  datasetSeed,
  onnxSeedPaths,
  seedModelPaths,
  TENSOR_FORMATS,
  tensorSeed,
  type DatasetLayout,
} from './seeds';
import { ROOT } from '../support/shared';
import { mutateOnnxModel, ONNX_DATA_BYTES, ONNX_DATA_FILE } from './onnx-mutators';
import { mutateTfliteModel } from './tflite-mutators';
import type { Job } from './targets';

/** 'models' is every model format; 'onnx' only ONNX models (and the crafted ONNX cases). */
export type TargetSelection = 'models' | 'onnx' | 'datasets' | 'all';

export interface FuzzCase {
  /** "<seed>:<index>" or "crafted:<name>". */
  id: string;
  /** Model, dataset or tensor-file format ('tflite', 'npz', 'tensor-csv'...) or the crafted case's name. */
  format: string;
  /** The seed the bytes came from. */
  seedName: string;
  /** The mutations applied, in words. */
  mutation: string;
  /** Files to write into the case folder, by relative name. */
  files: Record<string, Uint8Array>;
  /** The job, with paths relative to the case folder (absolute ones, like /dev/zero, stay). */
  job: Job;
  /** Set for the crafted cases, which build their own files. */
  crafted?: string;
}

/** Seeds read once per process. */
export class CaseFactory {
  private readonly models: string[] = seedModelPaths();
  private readonly onnxModels: string[] = onnxSeedPaths();
  private readonly modelBytes = new Map<string, Uint8Array>();
  private readonly layouts = new Map<string, DatasetLayout>();

  constructor(
    readonly seed: number,
    readonly targets: TargetSelection,
  ) {
    if (this.models.length === 0) throw new Error('no seed models found (../shared/models, assets/demo)');
  }

  caseAt(index: number): FuzzCase {
    const rng = new Rng(mix(this.seed, index));
    const id = `${this.seed}:${index}`;
    if (this.targets === 'onnx') return this.onnxCase(id, rng);
    const roll = rng.float();
    if (this.targets === 'models' || (this.targets === 'all' && roll < 0.45))
      return this.onnxModels.length > 0 && rng.chance(0.3) ? this.onnxCase(id, rng) : this.modelCase(id, rng);
    if (rng.chance(0.8)) return this.datasetCase(id, rng);
    return this.tensorCase(id, rng);
  }

  private seedBytes(seedPath: string): Uint8Array {
    let bytes = this.modelBytes.get(seedPath);
    if (!bytes) {
      bytes = new Uint8Array(fs.readFileSync(seedPath));
      this.modelBytes.set(seedPath, bytes);
    }
    return bytes;
  }

  /**
   * An ONNX model (a node test or a PyTorch export; the exports a quarter of the time), with a
   * data file beside it for the external-data mutations to point at.
   */
  private onnxCase(id: string, rng: Rng): FuzzCase {
    if (this.onnxModels.length === 0)
      throw new Error('no ONNX seed models (libonnx-testdata, test/fixtures/onnx)');
    const exported = this.onnxModels.filter((p) => !p.startsWith('/usr/'));
    const seedPath = exported.length > 0 && rng.chance(0.25) ? rng.pick(exported) : rng.pick(this.onnxModels);
    const bytes = this.seedBytes(seedPath);
    const roll = rng.float();
    const m =
      roll < 0.04
        ? { bytes, what: 'none' }
        : ((roll < 0.6 ? mutateOnnxModel(bytes, rng) : null) ?? mutate(bytes, 'raw', rng));
    const name = rng.chance(0.9) ? 'model.onnx' : 'model.bin';
    return {
      id,
      format: 'onnx',
      seedName: path.relative(ROOT, seedPath),
      mutation: m.what,
      files: { [name]: m.bytes, [ONNX_DATA_FILE]: new Uint8Array(ONNX_DATA_BYTES).fill(0x3f) },
      job: { target: 'model', file: name },
    };
  }

  private modelCase(id: string, rng: Rng): FuzzCase {
    const seedPath = rng.pick(this.models);
    const bytes = this.seedBytes(seedPath);
    const roll = rng.float();
    const m =
      roll < 0.04
        ? { bytes, what: 'none' }
        : ((roll < 0.5 ? mutateTfliteModel(bytes, rng) : null) ?? mutate(bytes, 'tflite', rng));
    // Mostly *.tflite; sometimes another name, so only the magic bytes decide the format.
    const name = rng.chance(0.9) ? 'model.tflite' : 'model.bin';
    return {
      id,
      format: 'tflite',
      seedName: path.relative(ROOT, seedPath),
      mutation: m.what,
      files: { [name]: m.bytes },
      job: { target: 'model', file: name },
    };
  }

  private datasetCase(id: string, rng: Rng): FuzzCase {
    const format = rng.pick(DATASET_FORMATS);
    let layout = this.layouts.get(format);
    if (!layout) {
      layout = datasetSeed(format);
      this.layouts.set(format, layout);
    }
    const target = rng.pick(Object.keys(layout.mutable));
    const m = mutateFile(layout.files[target]!, layout.mutable[target]!, rng);
    return {
      id,
      format,
      seedName: `${format} layout`,
      mutation: `${target}: ${m.what}`,
      files: { ...layout.files, [target]: m.bytes },
      job: {
        target: 'dataset',
        path: layout.open,
        labels: layout.labels,
        labelColumn: layout.labelColumn,
        // Mostly the model the seed fits; sometimes another shape, class count or preprocessing.
        model: rng.chance(0.25) ? rng.pick(DATASET_MODEL_VARIANTS) : undefined,
      },
    };
  }

  private tensorCase(id: string, rng: Rng): FuzzCase {
    const format = rng.pick(TENSOR_FORMATS);
    const seed = tensorSeed(format, rng.int(1000));
    const m = mutate(seed.bytes, seed.mutation, rng);
    return {
      id,
      format,
      seedName: `${seed.dtype} [${seed.shape.join(',')}]`,
      mutation: m.what,
      files: { [seed.name]: m.bytes },
      job: { target: 'tensor', file: seed.name, dtype: seed.dtype, shape: seed.shape },
    };
  }
}

/** Seed and index to a 32-bit PRNG seed (murmur3's finaliser over both). */
function mix(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The crafted cases, as cases (their files are made by `prepareCase`). */
export function craftedCases(targets: TargetSelection): FuzzCase[] {
  const wanted = (c: (typeof CRAFTED_CASES)[number]) =>
    targets === 'all' ||
    (targets === 'onnx' ? c.name.startsWith('onnx-') : (targets === 'models') === (c.target === 'model'));
  return CRAFTED_CASES.filter(wanted).map((c) => ({
    id: `crafted:${c.name}`,
    format: c.name,
    seedName: c.description,
    mutation: 'crafted',
    files: {},
    job: c.target === 'model' ? { target: 'model', file: '' } : { target: 'dataset', path: '' },
    crafted: c.name,
  }));
}

/** Writes the case into `dir` (empty) and returns its job with absolute paths. */
export function prepareCase(c: FuzzCase, dir: string): Job {
  const abs = (p: string) => path.resolve(dir, p);
  if (c.crafted) {
    const crafted = CRAFTED_CASES.find((k) => k.name === c.crafted);
    if (!crafted) throw new Error(`unknown crafted case ${c.crafted}`);
    const open = crafted.prepare(dir);
    return c.job.target === 'model' ? { target: 'model', file: open } : { target: 'dataset', path: open };
  }
  for (const [name, bytes] of Object.entries(c.files)) {
    fs.mkdirSync(path.dirname(abs(name)), { recursive: true });
    fs.writeFileSync(abs(name), bytes);
  }
  const job = c.job;
  if (job.target === 'model') return { ...job, file: abs(job.file) };
  if (job.target === 'tensor') return { ...job, file: abs(job.file) };
  return { ...job, path: abs(job.path), labels: job.labels ? abs(job.labels) : undefined };
}

/** A case as saved with a finding. */
export function caseToJson(c: FuzzCase): object {
  return {
    ...c,
    files: Object.fromEntries(
      Object.entries(c.files).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
  };
}

export function caseFromJson(json: { case: FuzzCase & { files: Record<string, string> } }): FuzzCase {
  const c = json.case;
  return {
    ...c,
    files: Object.fromEntries(
      Object.entries(c.files).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
    ),
  };
}
