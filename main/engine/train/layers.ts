/**
 * Trainable layers for the demo-model trainer: forward and backward passes for one sample at a
 * time (batch 1; the trainer accumulates gradients over a mini-batch).
 *
 * Numerics: parameters and activations are float32 (what the .tflite stores and the
 * interpreter computes with); every dot product is summed in doubles in a fixed order and
 * rounded once to float32 on store, like the interpreter's float kernels. Gradients are doubles.
 * Nothing depends on iteration order of a hash or on threads, so a given seed gives the same
 * bits on every run.
 *
 * Scope: VALID padding, stride 1 for convolutions, depth multiplier 1, non-overlapping pooling:
 * what the demo models need. Layouts match TFLite's, so the weights are written as they are.
 */
import type { Activation, LayerSpec } from '../tflite/build';
import type { Prng } from './prng';

export interface TrainLayer {
  /** Per-sample shapes without the batch dimension: [H, W, C] or [F]. */
  readonly inShape: number[];
  readonly outShape: number[];
  /** Trainable tensors (float32, updated by the optimizer) and their gradients (accumulated). */
  readonly params: Float32Array[];
  readonly grads: Float64Array[];
  /** Output for `x`; the returned buffer is the layer's own and is overwritten by the next call. */
  forward(x: Float32Array): Float32Array;
  /**
   * Adds this sample's parameter gradients into `grads` given dL/d(output) and returns
   * dL/d(input) (the layer's own buffer), or null when `needInputGrad` is false.
   * Uses the input and output of the latest forward call. `gy` may be modified.
   */
  backward(gy: Float64Array, needInputGrad: boolean): Float64Array | null;
  /** The layer for the TFLite builder (copies of the current weights). */
  spec(): LayerSpec;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** He-uniform for ReLU layers, Glorot-uniform otherwise (Keras' defaults are Glorot). */
function initUniform(rng: Prng, w: Float32Array, fanIn: number, fanOut: number, relu: boolean): void {
  const limit = relu ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-limit, limit);
}

/** Zeroes dL/dy where a fused ReLU clipped the output (y == 0 means pre-activation <= 0). */
function reluMask(act: Activation, y: Float32Array, gy: Float64Array): void {
  if (act === 'none') return;
  for (let i = 0; i < gy.length; i++) if (y[i] <= 0 || (act === 'relu6' && y[i] >= 6)) gy[i] = 0;
}

function activate(act: Activation, v: number): number {
  if (act === 'none') return v;
  if (v < 0) return 0;
  return act === 'relu6' && v > 6 ? 6 : v;
}

/**
 * What every layer with a weight tensor and a bias keeps: its parameters (initialised from the
 * seed), their gradients, the input of the latest forward pass, and its output and input-gradient
 * buffers. The bias has one entry per output channel (the last output dimension).
 */
abstract class WeightedLayer implements TrainLayer {
  readonly params: Float32Array[];
  readonly grads: Float64Array[];
  protected readonly w: Float32Array;
  protected readonly b: Float32Array;
  protected readonly y: Float32Array;
  protected readonly gx: Float64Array;
  protected x: Float32Array = new Float32Array(0);

  constructor(
    readonly inShape: number[],
    readonly outShape: number[],
    init: { weights: number; fanIn: number; fanOut: number; relu: boolean; rng: Prng },
  ) {
    this.w = new Float32Array(init.weights);
    this.b = new Float32Array(outShape[outShape.length - 1]);
    initUniform(init.rng, this.w, init.fanIn, init.fanOut, init.relu);
    this.params = [this.w, this.b];
    this.grads = [new Float64Array(this.w.length), new Float64Array(this.b.length)];
    this.y = new Float32Array(size(outShape));
    this.gx = new Float64Array(size(inShape));
  }

  abstract forward(x: Float32Array): Float32Array;
  abstract backward(gy: Float64Array, needInputGrad: boolean): Float64Array | null;
  abstract spec(): LayerSpec;
}

export class Conv2D extends WeightedLayer {
  constructor(
    inShape: number[],
    private readonly filters: number,
    private readonly kh: number,
    private readonly kw: number,
    private readonly act: Activation,
    rng: Prng,
  ) {
    const [h, w, c] = inShape;
    super(inShape, [h - kh + 1, w - kw + 1, filters], {
      weights: filters * kh * kw * c,
      fanIn: kh * kw * c,
      fanOut: kh * kw * filters,
      relu: act !== 'none',
      rng,
    });
  }

  forward(x: Float32Array): Float32Array {
    this.x = x;
    const [, W, C] = this.inShape;
    const [OH, OW, OC] = this.outShape;
    const { kh, kw, w, b, y, act } = this;
    const row = kw * C; // VALID, stride 1: the kw x C taps of one filter row are contiguous
    let o = 0;
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let oc = 0; oc < OC; oc++) {
          let acc = 0;
          for (let fy = 0; fy < kh; fy++) {
            const xi = ((oy + fy) * W + ox) * C;
            const wi = (oc * kh + fy) * row;
            for (let j = 0; j < row; j++) acc += x[xi + j] * w[wi + j];
          }
          y[o++] = activate(act, acc + b[oc]);
        }
      }
    }
    return y;
  }

  backward(gy: Float64Array, needInputGrad: boolean): Float64Array | null {
    reluMask(this.act, this.y, gy);
    const [, W, C] = this.inShape;
    const [OH, OW, OC] = this.outShape;
    const { kh, kw, w, x, gx } = this;
    const [gw, gb] = this.grads;
    const row = kw * C;
    if (needInputGrad) gx.fill(0);
    let o = 0;
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let oc = 0; oc < OC; oc++) {
          const g = gy[o++];
          if (g === 0) continue;
          gb[oc] += g;
          for (let fy = 0; fy < kh; fy++) {
            const xi = ((oy + fy) * W + ox) * C;
            const wi = (oc * kh + fy) * row;
            for (let j = 0; j < row; j++) gw[wi + j] += g * x[xi + j];
            if (needInputGrad) for (let j = 0; j < row; j++) gx[xi + j] += g * w[wi + j];
          }
        }
      }
    }
    return needInputGrad ? gx : null;
  }

  spec(): LayerSpec {
    return {
      type: 'conv2d',
      filterShape: [this.filters, this.kh, this.kw, this.inShape[2]],
      filter: this.w.slice(),
      bias: this.b.slice(),
      padding: 'valid',
      activation: this.act,
    };
  }
}

export class DepthwiseConv2D extends WeightedLayer {
  private readonly acc: Float64Array;

  constructor(
    inShape: number[],
    private readonly kh: number,
    private readonly kw: number,
    private readonly act: Activation,
    rng: Prng,
  ) {
    const [h, w, c] = inShape;
    // Weights in TFLite's layout [1, kh, kw, c].
    super(inShape, [h - kh + 1, w - kw + 1, c], {
      weights: kh * kw * c,
      fanIn: kh * kw,
      fanOut: kh * kw,
      relu: act !== 'none',
      rng,
    });
    this.acc = new Float64Array(c);
  }

  forward(x: Float32Array): Float32Array {
    this.x = x;
    const [, W, C] = this.inShape;
    const [OH, OW] = this.outShape;
    const { kh, kw, w, b, y, act, acc } = this;
    let o = 0;
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        acc.fill(0);
        for (let fy = 0; fy < kh; fy++) {
          for (let fx = 0; fx < kw; fx++) {
            const xi = ((oy + fy) * W + ox + fx) * C;
            const wi = (fy * kw + fx) * C;
            for (let c = 0; c < C; c++) acc[c] += x[xi + c] * w[wi + c];
          }
        }
        for (let c = 0; c < C; c++) y[o++] = activate(act, acc[c] + b[c]);
      }
    }
    return y;
  }

  backward(gy: Float64Array, needInputGrad: boolean): Float64Array | null {
    reluMask(this.act, this.y, gy);
    const [, W, C] = this.inShape;
    const [OH, OW] = this.outShape;
    const { kh, kw, w, x, gx } = this;
    const [gw, gb] = this.grads;
    if (needInputGrad) gx.fill(0);
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        const go = (oy * OW + ox) * C;
        for (let c = 0; c < C; c++) gb[c] += gy[go + c];
        for (let fy = 0; fy < kh; fy++) {
          for (let fx = 0; fx < kw; fx++) {
            const xi = ((oy + fy) * W + ox + fx) * C;
            const wi = (fy * kw + fx) * C;
            for (let c = 0; c < C; c++) {
              const g = gy[go + c];
              gw[wi + c] += g * x[xi + c];
              if (needInputGrad) gx[xi + c] += g * w[wi + c];
            }
          }
        }
      }
    }
    return needInputGrad ? gx : null;
  }

  spec(): LayerSpec {
    const c = this.inShape[2];
    return {
      type: 'depthwise_conv2d',
      filterShape: [1, this.kh, this.kw, c],
      filter: this.w.slice(),
      bias: this.b.slice(),
      depthMultiplier: 1,
      padding: 'valid',
      activation: this.act,
    };
  }
}

/** Non-overlapping max pooling (window = stride), VALID: a trailing odd row/column is dropped. */
export class MaxPool2D implements TrainLayer {
  readonly outShape: number[];
  readonly params: Float32Array[] = [];
  readonly grads: Float64Array[] = [];
  private readonly y: Float32Array;
  private readonly arg: Int32Array;
  private readonly gx: Float64Array;

  constructor(
    readonly inShape: number[],
    private readonly ph: number,
    private readonly pw: number,
  ) {
    const [h, w, c] = inShape;
    this.outShape = [Math.floor(h / ph), Math.floor(w / pw), c];
    this.y = new Float32Array(size(this.outShape));
    this.arg = new Int32Array(this.y.length);
    this.gx = new Float64Array(size(inShape));
  }

  forward(x: Float32Array): Float32Array {
    const [, W, C] = this.inShape;
    const [OH, OW] = this.outShape;
    const { ph, pw, y, arg } = this;
    let o = 0;
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let at = 0;
          for (let fy = 0; fy < ph; fy++) {
            for (let fx = 0; fx < pw; fx++) {
              const i = ((oy * ph + fy) * W + ox * pw + fx) * C + c;
              if (x[i] > best) {
                best = x[i];
                at = i;
              }
            }
          }
          y[o] = best;
          arg[o++] = at; // first maximum wins ties: fixed order, so deterministic
        }
      }
    }
    return y;
  }

  backward(gy: Float64Array, needInputGrad: boolean): Float64Array | null {
    if (!needInputGrad) return null;
    const gx = this.gx;
    gx.fill(0);
    for (let o = 0; o < gy.length; o++) gx[this.arg[o]] += gy[o];
    return gx;
  }

  spec(): LayerSpec {
    return { type: 'max_pool2d', size: [this.ph, this.pw], padding: 'valid' };
  }
}

/** NHWC flatten: the data is already in row-major order, so values pass through unchanged. */
export class Flatten implements TrainLayer {
  readonly outShape: number[];
  readonly params: Float32Array[] = [];
  readonly grads: Float64Array[] = [];
  constructor(readonly inShape: number[]) {
    this.outShape = [size(inShape)];
  }
  forward(x: Float32Array): Float32Array {
    return x;
  }
  backward(gy: Float64Array, needInputGrad: boolean): Float64Array | null {
    return needInputGrad ? gy : null;
  }
  spec(): LayerSpec {
    return { type: 'flatten' };
  }
}

export class Dense extends WeightedLayer {
  constructor(
    inShape: number[],
    private readonly units: number,
    private readonly act: Activation,
    rng: Prng,
  ) {
    const f = size(inShape);
    // Weights in TFLite's layout [units, in_features].
    super(inShape, [units], { weights: units * f, fanIn: f, fanOut: units, relu: act !== 'none', rng });
  }

  forward(x: Float32Array): Float32Array {
    this.x = x;
    const F = this.gx.length;
    const { w, b, y, act } = this;
    for (let u = 0; u < this.units; u++) {
      let acc = 0;
      const wi = u * F;
      for (let f = 0; f < F; f++) acc += x[f] * w[wi + f];
      y[u] = activate(act, acc + b[u]);
    }
    return y;
  }

  backward(gy: Float64Array, needInputGrad: boolean): Float64Array | null {
    reluMask(this.act, this.y, gy);
    const F = this.gx.length;
    const { w, x, gx } = this;
    const [gw, gb] = this.grads;
    if (needInputGrad) gx.fill(0);
    for (let u = 0; u < this.units; u++) {
      const g = gy[u];
      gb[u] += g;
      if (g === 0) continue;
      const wi = u * F;
      for (let f = 0; f < F; f++) gw[wi + f] += g * x[f];
      if (needInputGrad) for (let f = 0; f < F; f++) gx[f] += g * w[wi + f];
    }
    return needInputGrad ? gx : null;
  }

  spec(): LayerSpec {
    return {
      type: 'dense',
      units: this.units,
      weights: this.w.slice(),
      bias: this.b.slice(),
      activation: this.act,
    };
  }
}
