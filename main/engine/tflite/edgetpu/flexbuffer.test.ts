// The FlexBuffer reader against the flatbuffers package's encoder (the reference writer), and on
// damaged buffers: every failure is a ModelFormatError, never a wrong value or a RangeError.
import { describe, expect, it } from 'vitest';
import { builder, encode } from 'flatbuffers/js/flexbuffers';
import { ModelFormatError } from '../../errors';
import { FlexValue } from './flexbuffer';

describe('FlexValue', () => {
  it('reads maps of ints, strings, blobs and vectors written by the flatbuffers encoder', () => {
    const binary = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
    const bytes = encode({
      '1': 3,
      '4': 'DWN1 package',
      '6': [18, 1],
      '7': ['a', 'bc'],
      big: 70000,
      neg: -5,
    });
    const root = FlexValue.root(bytes);
    expect(root.get('1')!.asInt()).toBe(3);
    expect(new TextDecoder().decode(root.get('4')!.asBytes())).toBe('DWN1 package');
    expect([root.get('6')!.element(0).asInt(), root.get('6')!.element(1).asInt()]).toEqual([18, 1]);
    expect(root.get('7')!.length).toBe(2);
    expect(new TextDecoder().decode(root.get('7')!.element(1).asBytes())).toBe('bc');
    expect(root.get('big')!.asInt()).toBe(70000);
    expect(root.get('neg')!.asInt()).toBe(-5);
    expect(root.get('missing')).toBeUndefined();
    const b = builder();
    b.startMap();
    b.addKey('blob');
    b.add(binary);
    b.end();
    expect(FlexValue.root(b.finish()).get('blob')!.asBytes()).toEqual(binary);
  });

  it('refuses truncated and damaged buffers with a ModelFormatError', () => {
    const good = encode({ '1': 3, '4': 'x'.repeat(100), '6': [18] });
    const attempts: Uint8Array[] = [new Uint8Array(0), new Uint8Array([1, 2]), good.subarray(50)];
    for (let i = 0; i < good.length; i += 3) {
      const bad = good.slice();
      bad[i] = 0xff;
      attempts.push(bad);
    }
    let refused = 0;
    for (const bytes of attempts) {
      try {
        const root = FlexValue.root(bytes);
        root.get('4')?.asBytes();
        root.get('6')?.element(0).asInt();
      } catch (e) {
        expect(e).toBeInstanceOf(ModelFormatError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(3);
  });
});
