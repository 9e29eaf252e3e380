/**
 * Shared by the WebAssembly SIMD kernel tests (main/engine/interpreter/kernels/wasm/*.test.ts):
 * random window geometries and conv.wat compiled with wabt, as committed or with one edit (a
 * deliberately broken kernel the tests must catch).
 */
import fs from 'node:fs';
import initWabt from 'wabt';
import type { ConvShape } from '../../main/engine/interpreter/kernels/common/conv';
import { ROOT } from './shared';

const CONV_WAT = `${ROOT}/main/engine/interpreter/kernels/wasm/conv.wat`;

/** conv.wat compiled as `npm run gen:wasm` compiles it, after replacing `from` by `to` (once). */
export async function compileConvWat(from = '', to = ''): Promise<Uint8Array<ArrayBuffer>> {
  const text = fs.readFileSync(CONV_WAT, 'utf8');
  if (from && !text.includes(from)) throw new Error(`conv.wat has no "${from}"`);
  const mod = (await initWabt()).parseWat('conv.wat', from ? text.replace(from, to) : text, { simd: true });
  const { buffer } = mod.toBinary({ log: false, write_debug_names: false });
  mod.destroy();
  return Uint8Array.from(buffer);
}

/** A module of conv.wat with one edit: a kernel that is wrong in a way the tests must notice. */
export async function brokenConvModule(from: string, to: string): Promise<WebAssembly.Module> {
  return new WebAssembly.Module(await compileConvWat(from, to));
}

/**
 * A random convolution geometry drawn with `int(lo, hi)`: batches 1-2, input up to maxIn square,
 * kernel up to 3x3, strides 1-3, dilation 1-2, padding 0-2, output up to maxOut (windows may
 * reach past the input: the kernels must skip or zero-pad those taps).
 */
export function randomWindowShape(
  int: (lo: number, hi: number) => number,
  channels: { inC: number; outC: number; kC: number },
  maxIn: number,
  maxOut: number,
): ConvShape {
  return {
    batches: int(1, 2),
    inH: int(1, maxIn),
    inW: int(1, maxIn),
    ...channels,
    kH: int(1, 3),
    kW: int(1, 3),
    strideH: int(1, 3),
    strideW: int(1, 3),
    dilationH: int(1, 2),
    dilationW: int(1, 2),
    padH: int(0, 2),
    padW: int(0, 2),
    outH: int(1, maxOut),
    outW: int(1, maxOut),
  };
}
