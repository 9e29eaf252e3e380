import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../errors';
import {
  formatPreprocess,
  parsePreprocess,
  preprocessImage,
  preprocessValues,
  resolvePreprocess,
  type RawImage,
} from './preprocess';

const img = (width: number, height: number, channels: number, values: number[]): RawImage => ({
  width,
  height,
  channels,
  data: Uint8Array.from(values),
  maxValue: 255,
});

describe('preprocessing spec', () => {
  it('parses and formats the compact form', () => {
    const s = parsePreprocess('resize=96x64:nearest, gray ,scale=-1..1,layout=nchw');
    expect(s).toEqual({
      resize: { height: 96, width: 64 },
      interpolation: 'nearest',
      color: 'gray',
      scale: '-1..1',
      layout: 'nchw',
    });
    expect(parsePreprocess(formatPreprocess(s))).toEqual(s);
    const m = parsePreprocess('rgb,mean=0.485/0.456/0.406,std=0.229/0.224/0.225');
    expect(m.mean).toEqual([0.485, 0.456, 0.406]);
    expect(parsePreprocess(formatPreprocess(m))).toEqual(m);
  });

  it('rejects bad tokens with the token and what is allowed', () => {
    expect(() => parsePreprocess('resize=96')).toThrow(InvalidArgumentError);
    expect(() => parsePreprocess('resize=96')).toThrow('"resize=96": expected resize=HEIGHTxWIDTH');
    // The engine names the option, not a CLI flag: the CLI puts "--preprocess: " in front
    // (test/integration/quantize-cli.test.ts checks the printed line).
    const typo = (() => {
      try {
        parsePreprocess('resize=96');
      } catch (e) {
        return e as InvalidArgumentError;
      }
    })();
    expect(typo?.option).toBe('preprocess');
    expect(() => parsePreprocess('scale=0..2')).toThrow('expected one of 0..1, -1..1, 0..255, none');
    expect(() => parsePreprocess('mean=0.5/x,std=1')).toThrow('"mean=0.5/x": expected numbers');
    expect(() => parsePreprocess('mean=0.5')).toThrow('mean= and std= go together');
    expect(() => parsePreprocess('sepia')).toThrow('"sepia": unknown option');
  });

  it('resolves against the model input and refuses contradictions', () => {
    expect(resolvePreprocess({}, [1, 28, 28, 1])).toMatchObject({
      height: 28,
      width: 28,
      channels: 1,
      layout: 'nhwc',
      elements: 784,
    });
    expect(resolvePreprocess({}, [1, 3, 224, 224])).toMatchObject({
      height: 224,
      width: 224,
      channels: 3,
      layout: 'nchw',
    });
    expect(resolvePreprocess({}, [1, 28, 28])).toMatchObject({ height: 28, width: 28, channels: 1 });
    expect(() => resolvePreprocess({ resize: { height: 32, width: 32 } }, [1, 28, 28, 1])).toThrow(
      ShapeMismatchError,
    );
    expect(() => resolvePreprocess({ color: 'rgb' }, [1, 28, 28, 1])).toThrow(
      'rgb was asked for but the model takes 1 channel(s)',
    );
    expect(() => resolvePreprocess({}, [1, 784])).toThrow('a flat input needs resize=HxW');
    expect(resolvePreprocess({ resize: { height: 28, width: 28 } }, [1, 784]).channels).toBe(1);
  });
});

describe('preprocessing steps', () => {
  it('bilinear resize with half-pixel centres (hand-computed)', () => {
    const p = resolvePreprocess({ scale: 'none' }, [1, 4, 4, 1]);
    const out = preprocessImage(img(2, 2, 1, [0, 100, 200, 255]), p);
    // (1,1): fy = fx = 0.25 -> (0*.75 + 100*.25)*.75 + (200*.75 + 255*.25)*.25 = 72.1875
    expect(out[1 * 4 + 1]).toBe(72.1875);
    expect(out[0]).toBe(0); // clamped to the corner
    expect(out[15]).toBe(255);
    // (0,1): fy clamps to 0, fx = 0.25 -> 25
    expect(out[1]).toBe(25);
  });

  it('nearest resize picks the source pixel under each centre', () => {
    const p = resolvePreprocess({ scale: 'none', interpolation: 'nearest' }, [1, 2, 4, 1]);
    expect(Array.from(preprocessImage(img(2, 1, 1, [10, 20]), p))).toEqual([10, 10, 20, 20, 10, 10, 20, 20]);
    const down = resolvePreprocess({ scale: 'none', interpolation: 'nearest' }, [1, 1, 2, 1]);
    // centres at source x = 1 and 3
    expect(Array.from(preprocessImage(img(4, 1, 1, [1, 2, 3, 4]), down))).toEqual([2, 4]);
  });

  it('scales, normalises per channel and lays out NCHW', () => {
    const rgb = img(2, 1, 3, [255, 0, 51, 0, 255, 102]);
    const nchw = resolvePreprocess({ scale: '0..1', layout: 'nchw' }, [1, 3, 1, 2]);
    expect(Array.from(preprocessImage(rgb, nchw))).toEqual([1, 0, 0, 1, 0.2, 0.4].map(Math.fround));
    const m1 = resolvePreprocess({ scale: '-1..1' }, [1, 1, 2, 3]);
    expect(Array.from(preprocessImage(rgb, m1))).toEqual([1, -1, -0.6, -1, 1, -0.2].map(Math.fround));
    const ms = resolvePreprocess({ scale: '0..1', mean: [0.5, 0, 0], std: [0.5, 1, 0.2] }, [1, 1, 2, 3]);
    expect(Array.from(preprocessImage(rgb, ms))).toEqual([1, 0, 1, -1, 1, 2].map(Math.fround));
    const raw = resolvePreprocess({ scale: '0..255' }, [1, 1, 2, 3]);
    expect(Array.from(preprocessImage(rgb, raw))).toEqual([255, 0, 51, 0, 255, 102]);
  });

  it('gray to RGB replicates; RGB to gray uses BT.601 luma', () => {
    const p = resolvePreprocess({ scale: 'none' }, [1, 1, 1, 3]);
    expect(Array.from(preprocessImage(img(1, 1, 1, [7]), p))).toEqual([7, 7, 7]);
    const g = resolvePreprocess({ scale: 'none' }, [1, 1, 1, 1]);
    expect(preprocessImage(img(1, 1, 3, [100, 50, 200]), g)[0]).toBe(
      Math.fround(0.299 * 100 + 0.587 * 50 + 0.114 * 200),
    );
  });

  it('numeric samples: exact-size values only get scaled; a wrong size is refused', () => {
    const p = resolvePreprocess({ scale: 'none' }, [1, 2, 2, 1]);
    expect(Array.from(preprocessValues(Float32Array.of(1, 2, 3, 4), [4], p, 1))).toEqual([1, 2, 3, 4]);
    expect(() => preprocessValues(Float32Array.of(1, 2, 3), [3], p, 1, 'x.npy#0')).toThrow(
      'x.npy#0: has 3 values (shape [3]), the model input [1,2,2,1] takes 4',
    );
    // An HxW uint8 sample of another size goes through the image path (resize + 0..1 by default).
    const q = resolvePreprocess({ interpolation: 'nearest' }, [1, 2, 2, 1]);
    expect(Array.from(preprocessValues(Uint8Array.of(0, 255), [1, 2], q, 255))).toEqual([0, 1, 0, 1]);
  });
});
