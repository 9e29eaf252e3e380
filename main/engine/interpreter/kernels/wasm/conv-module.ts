/**
 * The WebAssembly module of conv.wat (compiled once; null where WebAssembly SIMD is unavailable)
 * and the geometry its window walks share; the integer and float glue is in int-conv-wasm.ts and
 * float-conv-wasm.ts.
 */
import type { ConvShape } from '../common/conv';
import { WASM_BASE64 } from './conv-wasm.generated';

export interface ConvExports {
  memory: WebAssembly.Memory;
  dw(...args: number[]): void;
  pack(...args: number[]): void;
  pack8(...args: number[]): void;
  requant_v(...args: number[]): void;
  requant_q(...args: number[]): void;
  im2col(...args: number[]): void;
  im2col8(...args: number[]): void;
  avgpool_8(...args: number[]): void;
  add_lut(...args: number[]): void;
  chansum_8(...args: number[]): void;
  conv_f(...args: number[]): void;
  dw_f(...args: number[]): void;
  conv_f32(...args: number[]): void;
  conv_i(...args: number[]): void;
  conv_iq(...args: number[]): void;
  maxpool_s8(...args: number[]): void;
  maxpool_u8(...args: number[]): void;
  maxpool_s16(...args: number[]): void;
  maxpool_f32(...args: number[]): void;
  dw_f32(...args: number[]): void;
  finish_f(...args: number[]): void;
  fc_f(...args: number[]): void;
  finish_f32(...args: number[]): void;
  quantize_f(...args: number[]): void;
  dw_q(...args: number[]): void;
  dw_q3(...args: number[]): void;
  pack_dm8(...args: number[]): void;
  fc_i8(...args: number[]): void;
  conv_d8q(...args: number[]): void;
  maxpool2_8(...args: number[]): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable (the reference kernels run). */
export function convModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0)));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export function simdAvailable(): boolean {
  return convModule() !== null;
}

/** Tests run a deliberately broken build of conv.wat to show that they catch it; null restores. */
export function setConvModuleForTest(m: WebAssembly.Module | null): void {
  compiled = m ?? undefined;
}

/** Instance memory above which an operator keeps the reference kernel (a malformed model's shapes). */
export const MAX_BYTES = 1 << 30;
export const PAGE = 65536;

/**
 * Padded input geometry shared by conv and dw: batches of [hp][wp][cp] values, the image at
 * (padH, padW), hp and wp large enough that every window of the walk lies inside.
 */
export interface Padded {
  hp: number;
  wp: number;
  cp: number;
}

/** channels rounded up to a multiple of `multiple` (the walk's channel group). */
export function paddedOf(s: ConvShape, channels: number, multiple: number): Padded {
  const hp = Math.max(s.inH + s.padH, (s.outH - 1) * s.strideH + (s.kH - 1) * s.dilationH + 1);
  const wp = Math.max(s.inW + s.padW, (s.outW - 1) * s.strideW + (s.kW - 1) * s.dilationW + 1);
  return { hp, wp, cp: Math.ceil(channels / multiple) * multiple };
}

/** The walk's geometry arguments shared by conv and dw (conv.wat's parameter order). */
export function windowArgs(s: ConvShape, p: Padded): number[] {
  return [s.outH, s.outW, s.strideH, s.strideW, s.dilationH, s.dilationW, s.kH, s.kW, p.cp, p.wp];
}

/**
 * A window walk (conv_i, dw, conv_f, conv_f32, dw_f, dw_f32) bound to its geometry: called as
 * walk(image, weights, acc) with the ten windowArgs (and `blocks` where given) passed one by one,
 * not spread from an array on every eval.
 */
export function boundWalk(
  fn: (...args: number[]) => void,
  s: ConvShape,
  p: Padded,
  blocks?: number,
): (imageAt: number, weightsAt: number, accAt: number) => void {
  const [a, b, c, d, e, f, g, h, i, j] = windowArgs(s, p);
  return blocks === undefined
    ? (x, w, acc) => fn(x, w, acc, a, b, c, d, e, f, g, h, i, j)
    : (x, w, acc) => fn(x, w, acc, a, b, c, d, e, f, g, h, i, j, blocks);
}

export const align16 = (n: number) => Math.ceil(n / 16) * 16;

/** FULLY_CONNECTED as a 1x1 convolution: a [1, batches] image of `depth` channels, `units` outputs. */
export function fullyConnectedShape(batches: number, units: number, depth: number): ConvShape {
  return {
    batches: 1,
    inH: 1,
    inW: batches,
    inC: depth,
    outH: 1,
    outW: batches,
    outC: units,
    kH: 1,
    kW: 1,
    kC: depth,
    strideH: 1,
    strideW: 1,
    dilationH: 1,
    dilationW: 1,
    padH: 0,
    padW: 0,
  };
}
