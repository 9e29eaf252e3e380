/**
 * Datasets opened for the wizard: validated up front against an open model's input, kept with
 * the spec an optimize job needs to reopen them, and previewed as small displayable images.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DatasetHandle, DatasetPreview, PreviewSample } from '../contract/types';
import type { Dataset } from '../engine/datasets/dataset';
import { evenlySpacedIndices } from '../engine/datasets/samples';
import {
  formatPreprocess,
  parsePreprocess,
  resolvePreprocess,
  type ResolvedPreprocess,
} from '../engine/datasets/preprocess';
import { InvalidArgumentError } from '../engine/errors';
import type { TflModel } from '../engine/tflite/model';
import { openFromSpec, type DatasetSpec } from '../jobs/kinds/dataset-spec';

export interface OpenDataset {
  handle: DatasetHandle;
  spec: DatasetSpec;
  dataset: Dataset;
}

/** Input shape and class count (last dimension of the first output) of a model's first subgraph. */
export function modelIo(model: TflModel): { inputShape: number[]; classes?: number } {
  const sg = model.subgraphs[0];
  if (!sg || sg.inputs.length !== 1)
    throw new InvalidArgumentError('the wizard handles models with exactly one input');
  const inputShape = [...sg.tensors[sg.inputs[0]!]!.shape];
  const out = sg.tensors[sg.outputs[0] ?? -1]?.shape ?? [];
  const last = out[out.length - 1];
  return { inputShape, classes: last !== undefined && last > 1 ? last : undefined };
}

export class DatasetStore {
  private readonly open = new Map<string, OpenDataset>();

  add(
    modelId: string,
    model: TflModel,
    req: { path: string; preprocess?: string; split?: DatasetSpec['split']; labelled?: boolean },
  ): DatasetHandle {
    const { inputShape, classes } = modelIo(model);
    // Parse the preprocessing text once, here, so a typo fails now (INVALID_ARGUMENT) not in the job.
    const preprocess = parsePreprocess(req.preprocess ?? '');
    const file = path.resolve(req.path);
    const first: DatasetSpec = {
      path: file,
      preprocess,
      split: req.split,
      labelled: true,
      inputShape,
      classes,
    };
    const opened = openFromSpec(first);
    const d = opened.describe();
    // Unlabelled on request, or because the data has no labels.
    const labelled = (req.labelled ?? true) && d.labelled;
    const spec: DatasetSpec = { ...first, labelled };
    const dataset = labelled ? opened : openFromSpec(spec);
    const handle: DatasetHandle = {
      id: randomUUID(),
      modelId,
      name: path.basename(file) + (req.split ? ` (${req.split})` : ''),
      path: file,
      kind: d.kind,
      count: dataset.length,
      labelled,
      ...(labelled && d.classes ? { classes: d.classes } : {}),
      inputShape,
      preprocess,
      ...(req.split ? { split: req.split } : {}),
    };
    this.open.set(handle.id, { handle, spec, dataset });
    return handle;
  }

  get(id: string): OpenDataset {
    const d = this.open.get(id);
    if (!d) throw new InvalidArgumentError(`no open dataset with id ${id}: open it again`);
    return d;
  }

  close(id: string): void {
    this.open.delete(id);
  }

  preview(id: string, count: number): DatasetPreview {
    const { handle, dataset } = this.get(id);
    const d = dataset.describe();
    const resolved = resolvePreprocess(handle.preprocess, handle.inputShape);
    const samples: PreviewSample[] = [];
    let lo = Infinity;
    let hi = -Infinity;
    // Spread the previewed samples over the set rather than showing the first few only.
    const picked = evenlySpacedIndices(dataset.length, count);
    for (const i of picked) {
      const s = dataset.get(i);
      const sample = toDisplay(s.inputs[0]!, handle.inputShape, resolved.layout);
      lo = Math.min(lo, sample.inputRange[0]);
      hi = Math.max(hi, sample.inputRange[1]);
      samples.push({
        ...sample,
        label: s.label ?? null,
        className: s.label !== undefined ? (handle.classes?.[s.label] ?? String(s.label)) : null,
        source: s.source ?? handle.path,
      });
    }
    return {
      dataset: handle,
      description: {
        kind: d.kind,
        source: d.source,
        count: d.count,
        labelled: handle.labelled,
        sampleShape: d.sampleShape,
        inputShape: d.inputShape,
        ...(d.valueRange ? { valueRange: d.valueRange } : {}),
        preprocess: d.preprocess ?? describePreprocess(resolved, handle, d.kind),
      },
      samples,
      inputRange: picked.length > 0 ? [lo, hi] : [0, 0],
    };
  }
}

/**
 * The preprocessing every sample goes through, spelled out (the opener resolves the defaults
 * from the model input): size, colour, layout and scale, in the CLI's --preprocess words.
 */
function describePreprocess(p: ResolvedPreprocess, handle: DatasetHandle, kind: string): string {
  // Images are 8-bit here (IDX, PNG/JPEG/BMP): the automatic scale maps them to 0..1.
  const image = kind === 'idx' || kind === 'image-folder';
  const spelledOut = formatPreprocess({
    resize: { height: p.height, width: p.width },
    color: p.channels === 1 ? 'gray' : 'rgb',
    scale: p.scale ?? (image ? '0..1' : 'none'),
    mean: p.mean,
    std: p.std,
    layout: p.layout,
  });
  const asked = Object.keys(handle.preprocess).length > 0;
  return spelledOut + (asked ? '' : ' (defaults for this model input)');
}

/**
 * A preprocessed model input back to 0..255 pixels for display: rescaled linearly from the
 * sample's own min..max (so any scale or normalisation shows), rounded to nearest. NCHW inputs
 * are interleaved; non-image inputs (rank < 3) show as a one-row strip.
 */
function toDisplay(
  input: Float32Array,
  shape: number[],
  layout: ResolvedPreprocess['layout'],
): Omit<PreviewSample, 'label' | 'className' | 'source'> {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of input) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) lo = hi = 0;
  const nchw = layout === 'nchw';
  const dims = shape.length === 4 ? shape.slice(1) : shape.length === 3 ? shape : [1, input.length, 1];
  const [h, w, c] = (nchw ? [dims[1], dims[2], dims[0]] : dims) as [number, number, number];
  const channels = c === 3 ? 3 : 1;
  const pixels = new Array<number>(h * w * channels);
  const span = hi - lo || 1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < channels; k++) {
        const src = nchw ? k * h * w + y * w + x : (y * w + x) * c + k;
        pixels[(y * w + x) * channels + k] = Math.round(((input[src]! - lo) / span) * 255);
      }
  return { width: w, height: h, channels, pixels, inputRange: [lo, hi] };
}
