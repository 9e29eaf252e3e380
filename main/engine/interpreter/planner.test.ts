import { describe, expect, it } from 'vitest';
import { planMemory } from './planner';

describe('planMemory (greedy by size, first fitting gap among overlapping lifetimes)', () => {
  it('shares bytes between buffers whose lifetimes do not overlap', () => {
    const plan = planMemory([
      { id: 0, size: 64, first: 0, last: 1 },
      { id: 1, size: 32, first: 1, last: 2 },
      { id: 2, size: 64, first: 2, last: 3 },
      { id: 3, size: 16, first: 0, last: 3 },
    ]);
    // 0 -> 0; 2 (no overlap with 0) -> 0; 1 overlaps both -> 64; 3 overlaps all -> 96.
    expect(plan.placements.map((p) => p.offset)).toEqual([0, 64, 0, 96]);
    expect(plan.arenaBytes).toBe(112);
  });

  it('fills a gap below a live buffer when the new one fits', () => {
    const plan = planMemory([
      { id: 10, size: 48, first: 0, last: 0 },
      { id: 11, size: 32, first: 0, last: 1 },
      { id: 12, size: 16, first: 1, last: 1 },
    ]);
    expect(plan.placements.map((p) => [p.id, p.offset])).toEqual([
      [10, 0],
      [11, 48],
      [12, 0],
    ]);
    expect(plan.arenaBytes).toBe(80);
  });

  it('rounds sizes to the alignment and breaks size ties by first use, then request order', () => {
    const plan = planMemory([
      { id: 0, size: 16, first: 2, last: 2 },
      { id: 1, size: 16, first: 0, last: 2 },
      { id: 2, size: 16, first: 0, last: 2 },
      { id: 3, size: 5, first: 0, last: 2 },
    ]);
    // Equal sizes: 1 (first 0, index 1), then 2 (first 0, index 2), then 0; the 5-byte one last.
    expect(plan.placements.map((p) => p.offset)).toEqual([32, 0, 16, 48]);
    expect(plan.placements[3].alignedSize).toBe(16);
    expect(plan.arenaBytes).toBe(64);
  });

  it('places zero-size buffers at 0 without reserving space, and rejects bad lifetimes', () => {
    const plan = planMemory([
      { id: 0, size: 0, first: 0, last: 5 },
      { id: 1, size: 20, first: 0, last: 5 },
    ]);
    expect(plan.placements.map((p) => p.offset)).toEqual([0, 0]);
    expect(plan.arenaBytes).toBe(32);
    expect(() => planMemory([{ id: 0, size: 4, first: 3, last: 2 }])).toThrow(/lifetime/);
  });

  it('never overlaps two buffers that are alive together (randomized)', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let trial = 0; trial < 50; trial++) {
      const reqs = Array.from({ length: 20 }, (_, id) => {
        const first = rnd(10);
        return { id, size: 1 + rnd(300), first, last: first + rnd(5) };
      });
      const { placements, arenaBytes } = planMemory(reqs);
      for (const a of placements) {
        expect(a.offset % 16).toBe(0);
        expect(a.offset + a.alignedSize).toBeLessThanOrEqual(arenaBytes);
        for (const b of placements) {
          if (a === b || a.first > b.last || b.first > a.last) continue;
          const disjoint = a.offset + a.alignedSize <= b.offset || b.offset + b.alignedSize <= a.offset;
          expect(disjoint).toBe(true);
        }
      }
    }
  });
});
