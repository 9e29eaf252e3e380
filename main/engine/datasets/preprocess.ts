/**
 * The preprocessing spec shared by evaluation and the quantizer's calibration, so that both feed
 * a model exactly what it was trained on. Steps, in this order:
 *   1. color: RGB(A) -> gray with ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B, what PIL's "L"
 *      mode uses), gray -> RGB by replication; alpha is dropped.
 *   2. resize to the model's H x W: nearest or bilinear, both with half-pixel centres
 *      (src = (dst + 0.5) * in / out - 0.5, edges clamped), as PIL and OpenCV do.
 *   3. scale: 0..1 (v / max), -1..1 (2 v / max - 1), 0..255 (v / max * 255) or none (as stored);
 *      max is 255 for 8-bit images, 65535 for 16-bit, 1 for float data.
 *   4. optional per-channel mean/std: (v - mean[c]) / std[c].
 *   5. layout NHWC or NCHW.
 * Arithmetic is in doubles, stored once as float32 at the end (one rounding per element).
 *
 * Compact string form for the CLI, comma-separated, any order:
 *   resize=96x96[:nearest|:bilinear]  gray | rgb  scale=0..1|-1..1|0..255|none
 *   mean=0.485/0.456/0.406  std=0.229/0.224/0.225  layout=nhwc|nchw
 * e.g. `resize=96x96,gray,scale=0..1,layout=nhwc`. Anything left out comes from the model's
 * input shape (size, channels, layout) or the data (scale: 0..1 for 8/16-bit images, none for
 * float arrays).
 */
import { DatasetError, InvalidArgumentError, ShapeMismatchError } from '../errors';

export type ScaleMode = '0..1' | '-1..1' | '0..255' | 'none';
export type Layout = 'nhwc' | 'nchw';
export type Interpolation = 'nearest' | 'bilinear';

export interface PreprocessSpec {
  resize?: { height: number; width: number };
  interpolation?: Interpolation;
  color?: 'gray' | 'rgb';
  scale?: ScaleMode;
  mean?: number[];
  std?: number[];
  layout?: Layout;
}

/** A spec with every decision made, for one model input. */
export interface ResolvedPreprocess {
  height: number;
  width: number;
  channels: 1 | 3;
  interpolation: Interpolation;
  /** undefined: decided per sample (0..1 for integer images, none for float data). */
  scale?: ScaleMode;
  mean?: number[];
  std?: number[];
  layout: Layout;
  /** The model input shape the output is laid out for. */
  shape: number[];
  elements: number;
}

/** A decoded image, interleaved channels (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
export interface RawImage {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array;
  /** Value of full intensity: 255 (8-bit), 65535 (16-bit) or 1 (float). */
  maxValue: number;
}

const SCALES: ScaleMode[] = ['0..1', '-1..1', '0..255', 'none'];

/** Parses the compact form; InvalidArgumentError says which token is wrong and what is allowed. */
export function parsePreprocess(text: string): PreprocessSpec {
  const spec: PreprocessSpec = {};
  const bad = (tok: string, why: string): never => {
    throw new InvalidArgumentError(`"${tok}": ${why}`, { option: 'preprocess' });
  };
  for (const raw of text.split(',')) {
    const tok = raw.trim();
    if (!tok) continue;
    const [key, value, ...rest] = tok.split('=');
    if (rest.length) bad(tok, 'more than one "="');
    const k = key.trim().toLowerCase();
    const v = value?.trim();
    if (v === undefined) {
      if (k === 'gray' || k === 'grey' || k === 'grayscale') spec.color = 'gray';
      else if (k === 'rgb') spec.color = 'rgb';
      else if (k === 'nhwc' || k === 'nchw') spec.layout = k;
      else bad(tok, 'unknown option (expected resize=, gray, rgb, scale=, mean=, std=, layout=)');
      continue;
    }
    switch (k) {
      case 'resize': {
        const m = /^(\d+)x(\d+)(?::(nearest|bilinear))?$/i.exec(v);
        if (!m) bad(tok, 'expected resize=HEIGHTxWIDTH[:nearest|:bilinear], e.g. resize=96x96');
        const [h, w] = [Number(m![1]), Number(m![2])];
        if (h < 1 || w < 1 || h > 16384 || w > 16384) bad(tok, 'size must be 1..16384');
        spec.resize = { height: h, width: w };
        if (m![3]) spec.interpolation = m![3].toLowerCase() as Interpolation;
        break;
      }
      case 'interp':
      case 'interpolation':
        if (v !== 'nearest' && v !== 'bilinear') bad(tok, 'expected nearest or bilinear');
        spec.interpolation = v as Interpolation;
        break;
      case 'color':
        if (v !== 'gray' && v !== 'rgb') bad(tok, 'expected gray or rgb');
        spec.color = v as 'gray' | 'rgb';
        break;
      case 'scale':
        if (!SCALES.includes(v as ScaleMode)) bad(tok, `expected one of ${SCALES.join(', ')}`);
        spec.scale = v as ScaleMode;
        break;
      case 'mean':
      case 'std': {
        const parts = v.split('/').map((x) => x.trim());
        const nums = parts.map(Number);
        if (parts.some((x) => x === '') || nums.some((n) => !Number.isFinite(n)))
          bad(tok, 'expected numbers separated by "/", e.g. 0.5/0.5/0.5');
        if (k === 'std' && nums.some((n) => n === 0)) bad(tok, 'std must not be zero');
        spec[k] = nums;
        break;
      }
      case 'layout':
        if (v !== 'nhwc' && v !== 'nchw') bad(tok, 'expected nhwc or nchw');
        spec.layout = v as Layout;
        break;
      default:
        bad(tok, 'unknown option (expected resize=, gray, rgb, scale=, mean=, std=, layout=)');
    }
  }
  if ((spec.mean === undefined) !== (spec.std === undefined))
    throw new InvalidArgumentError('mean= and std= go together', { option: 'preprocess' });
  return spec;
}

/** The compact form of a spec (parsePreprocess(formatPreprocess(x)) equals x). */
export function formatPreprocess(spec: PreprocessSpec): string {
  const parts: string[] = [];
  if (spec.resize)
    parts.push(
      `resize=${spec.resize.height}x${spec.resize.width}${spec.interpolation ? `:${spec.interpolation}` : ''}`,
    );
  else if (spec.interpolation) parts.push(`interp=${spec.interpolation}`);
  if (spec.color) parts.push(spec.color);
  if (spec.scale) parts.push(`scale=${spec.scale}`);
  if (spec.mean) parts.push(`mean=${spec.mean.join('/')}`);
  if (spec.std) parts.push(`std=${spec.std.join('/')}`);
  if (spec.layout) parts.push(`layout=${spec.layout}`);
  return parts.join(',');
}

/**
 * Fixes every decision for a model input shape:
 *   rank 4: [N,H,W,C] (NHWC, C in {1,3}) or [N,C,H,W] (NCHW); the spec's layout wins when given;
 *   rank 3: [N,H,W] one gray channel (e.g. an LSTM over image rows);
 *   rank 2: [N,F] a flattened image, which needs resize= (and gray/rgb) to say what F holds.
 * A spec size or color that contradicts the model is refused (ShapeMismatchError).
 */
export function resolvePreprocess(spec: PreprocessSpec, inputShape: number[]): ResolvedPreprocess {
  const shape = [...inputShape];
  const elements = shape.reduce((a, b) => a * b, 1);
  const mismatch = (why: string): never => {
    throw new ShapeMismatchError(`model input [${shape.join(',')}]: ${why}`);
  };
  let height: number;
  let width: number;
  let channels: number;
  let layout: Layout = spec.layout ?? 'nhwc';
  if (shape.length === 4) {
    if (!spec.layout) layout = [1, 3].includes(shape[3]) || ![1, 3].includes(shape[1]) ? 'nhwc' : 'nchw';
    [height, width, channels] =
      layout === 'nhwc' ? [shape[1], shape[2], shape[3]] : [shape[2], shape[3], shape[1]];
  } else if (shape.length === 3) {
    [height, width, channels] = [shape[1], shape[2], 1];
  } else if (shape.length === 2) {
    if (!spec.resize) mismatch('a flat input needs resize=HxW in the preprocessing spec');
    height = spec.resize!.height;
    width = spec.resize!.width;
    channels = spec.color === 'rgb' ? 3 : 1;
    if (height * width * channels !== shape[1])
      mismatch(
        `resize=${height}x${width} with ${channels} channel(s) gives ${height * width * channels} values, the input takes ${shape[1]}`,
      );
  } else {
    return mismatch('expected rank 2, 3 or 4');
  }
  if (shape[0] !== 1) mismatch(`batch size must be 1, got ${shape[0]}`);
  if (channels !== 1 && channels !== 3)
    mismatch(`${channels} channels: only 1 (gray) or 3 (RGB) image inputs are supported`);
  if (spec.resize && (spec.resize.height !== height || spec.resize.width !== width))
    mismatch(`resize=${spec.resize.height}x${spec.resize.width} but the model takes ${height}x${width}`);
  if (spec.color && (spec.color === 'gray' ? 1 : 3) !== channels)
    mismatch(`${spec.color} was asked for but the model takes ${channels} channel(s)`);
  for (const k of ['mean', 'std'] as const) {
    const v = spec[k];
    if (v && v.length !== 1 && v.length !== channels)
      throw new InvalidArgumentError(`${k}= has ${v.length} values for ${channels} channel(s)`, {
        option: 'preprocess',
      });
  }
  return {
    height,
    width,
    channels: channels as 1 | 3,
    interpolation: spec.interpolation ?? 'bilinear',
    scale: spec.scale,
    mean: spec.mean,
    std: spec.std,
    layout,
    shape,
    elements,
  };
}

/** Runs the steps on one decoded image; returns the model input tensor's values. */
export function preprocessImage(img: RawImage, p: ResolvedPreprocess, what = 'image'): Float32Array {
  const { width: sw, height: sh, channels: sc } = img;
  if (![1, 2, 3, 4].includes(sc) || img.data.length !== sw * sh * sc || sw < 1 || sh < 1)
    throw new DatasetError(`${what}: bad image geometry ${sw}x${sh}x${sc} for ${img.data.length} values`);
  const c = p.channels;
  // 1. color, read on demand from the decoded image: a full-resolution copy in doubles would cost
  // 24 bytes per pixel (400 MB for the largest image limits.ts allows).
  const at = colorSampler(img, c);
  // 2. resize.
  const resized =
    sw === p.width && sh === p.height
      ? materialize(at, sw * sh, c)
      : resize(at, sw, sh, c, p.width, p.height, p.interpolation);
  // 3-5. scale, normalise, lay out.
  const scale = p.scale ?? (img.maxValue === 1 ? 'none' : '0..1');
  return finish(resized, p, scale, img.maxValue, 'hwc');
}

/** Channel k of pixel i after step 1 (BT.601 luma, or gray replicated, or RGB as stored), in doubles. */
type Sampler = (pixel: number, k: number) => number;

function colorSampler(img: RawImage, c: number): Sampler {
  const d = img.data;
  const sc = img.channels;
  if (sc <= 2) return (i) => d[i * sc];
  if (c === 1) return (i) => 0.299 * d[i * sc] + 0.587 * d[i * sc + 1] + 0.114 * d[i * sc + 2];
  return (i, k) => d[i * sc + k];
}

function materialize(at: Sampler, pixels: number, c: number): Float64Array {
  const out = new Float64Array(pixels * c);
  for (let i = 0; i < pixels; i++) for (let k = 0; k < c; k++) out[i * c + k] = at(i, k);
  return out;
}

/**
 * Preprocesses a numeric sample that is not a decoded image (.npy, CSV, IDX of another dtype).
 * When it is H x W (x C) values in HWC order and differs from the model's element count or
 * layout, it goes through the image path (so resize and gray/RGB work); otherwise its values are
 * taken as already in the model's order and only scale/mean/std apply.
 */
export function preprocessValues(
  values: ArrayLike<number>,
  sampleShape: number[],
  p: ResolvedPreprocess,
  maxValue: number,
  what = 'sample',
): Float32Array {
  const n = values.length;
  const scale = p.scale ?? (maxValue === 1 ? 'none' : '0..1');
  const imageLike =
    (sampleShape.length === 2 || sampleShape.length === 3) && [1, 3, 4].includes(sampleShape[2] ?? 1);
  if (imageLike && (n !== p.elements || (p.layout === 'nchw' && p.channels > 1))) {
    const [h, w] = sampleShape;
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    return preprocessImage(
      { width: w, height: h, channels: sampleShape[2] ?? 1, data, maxValue },
      { ...p, scale },
      what,
    );
  }
  if (n !== p.elements)
    throw new ShapeMismatchError(
      `${what}: has ${n} values (shape [${sampleShape.join(',')}]), the model input [${p.shape.join(',')}] takes ${p.elements}`,
    );
  return finish(Float64Array.from(values), p, scale, maxValue, p.layout === 'nchw' ? 'chw' : 'hwc');
}

/**
 * Scale, mean/std and layout. `order` is how `v` is laid out: interleaved channels (hwc) or
 * planes (chw, only for samples already in NCHW order, which are not transposed).
 */
function finish(
  v: Float64Array,
  p: ResolvedPreprocess,
  scale: ScaleMode,
  maxValue: number,
  order: 'hwc' | 'chw',
): Float32Array {
  const n = v.length;
  const c = p.channels;
  const hw = n / c;
  const out = new Float32Array(n);
  const mul =
    scale === '0..1'
      ? 1 / maxValue
      : scale === '-1..1'
        ? 2 / maxValue
        : scale === '0..255'
          ? 255 / maxValue
          : 1;
  const add = scale === '-1..1' ? -1 : 0;
  const { mean, std } = p;
  const transpose = order === 'hwc' && p.layout === 'nchw' && c > 1;
  for (let i = 0; i < n; i++) {
    const ch = order === 'hwc' ? i % c : Math.floor(i / hw);
    let x = v[i] * mul + add;
    if (mean && std) x = (x - mean[mean.length === 1 ? 0 : ch]) / std[std.length === 1 ? 0 : ch];
    out[transpose ? ch * hw + Math.floor(i / c) : i] = x;
  }
  return out;
}

function resize(
  at: Sampler,
  sw: number,
  sh: number,
  c: number,
  dw: number,
  dh: number,
  mode: Interpolation,
): Float64Array {
  const out = new Float64Array(dw * dh * c);
  const sy = sh / dh;
  const sx = sw / dw;
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
      const o = (y * dw + x) * c;
      if (mode === 'nearest') {
        const iy = Math.min(Math.floor((y + 0.5) * sy), sh - 1);
        const ix = Math.min(Math.floor((x + 0.5) * sx), sw - 1);
        for (let k = 0; k < c; k++) out[o + k] = at(iy * sw + ix, k);
        continue;
      }
      const y0 = Math.floor(fy);
      const x0 = Math.floor(fx);
      const y1 = Math.min(y0 + 1, sh - 1);
      const x1 = Math.min(x0 + 1, sw - 1);
      const wy = fy - y0;
      const wx = fx - x0;
      for (let k = 0; k < c; k++) {
        const a = at(y0 * sw + x0, k);
        const b = at(y0 * sw + x1, k);
        const cc = at(y1 * sw + x0, k);
        const dd = at(y1 * sw + x1, k);
        out[o + k] = (a * (1 - wx) + b * wx) * (1 - wy) + (cc * (1 - wx) + dd * wx) * wy;
      }
    }
  }
  return out;
}
