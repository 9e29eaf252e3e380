import { describe, expect, it } from 'vitest';
import { LowbitError } from '../errors';
import { buildContainer, parseContainer } from './container';
import { buildUf2, parseUf2, UF2_FAMILIES } from './uf2';
import { buildPartitionTable, parsePartitionTable } from './partition-table';

/** Seeded xorshift32 so a failure names a reproducible case. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** Parsing must return or throw MODEL_FORMAT: never another exception, never a hang. */
function expectDomainOutcome(parse: () => unknown, label: string): 'ok' | 'rejected' {
  try {
    parse();
    return 'ok';
  } catch (e) {
    expect(e, label).toBeInstanceOf(LowbitError);
    expect((e as LowbitError).code, label).toBe('MODEL_FORMAT');
    return 'rejected';
  }
}

describe('deploy parsers on untrusted bytes', () => {
  const next = rng(2024);
  const container = buildContainer(Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
  const uf2 = buildUf2(container, 0x10100000, UF2_FAMILIES.rp2040);
  const table = buildPartitionTable([
    { type: 1, subtype: 0x40, offset: 0x110000, size: 0x80000, label: 'model', flags: 0 },
  ]);

  it('random buffers and single-byte mutations of valid files give a result or MODEL_FORMAT', () => {
    let rejected = 0;
    for (let n = 0; n < 500; n++) {
      const random = Uint8Array.from({ length: next() % 2048 }, () => next() & 0xff);
      for (const [name, parse] of [
        ['container', parseContainer],
        ['uf2', parseUf2],
        ['partition table', parsePartitionTable],
      ] as const) {
        if (expectDomainOutcome(() => parse(random), `${name} random #${n}`) === 'rejected') rejected++;
      }
      for (const [name, valid, parse] of [
        ['container', container, parseContainer],
        ['uf2', uf2, parseUf2],
        ['partition table', table, parsePartitionTable],
      ] as const) {
        const m = valid.slice();
        m[next() % m.length] ^= 1 << (next() % 8);
        expectDomainOutcome(() => parse(m), `${name} mutation #${n}`);
      }
    }
    // Random bytes almost never form a valid file: nearly all 1500 attempts are rejected.
    expect(rejected).toBeGreaterThan(1490);
  });

  it('every single-bit flip in a container is detected (header CRC or payload CRC)', () => {
    for (let i = 0; i < 32 + 1000; i++) {
      const m = container.slice();
      m[i] ^= 0x10;
      expect(expectDomainOutcome(() => parseContainer(m), `byte ${i}`)).toBe('rejected');
    }
  });
});
