/**
 * "Did you mean": the closest of a few known words to what the user typed (a flag, a technique),
 * by edit distance, when it is close enough to be a typo (at most a third of the word's letters,
 * and at least one), or when one is a prefix of the other.
 */

/** Levenshtein distance (insert, delete, substitute: 1 each). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The known word closest to `typed` (case-insensitive), or undefined when none is close. */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const t = typed.toLowerCase();
  let best: { word: string; d: number } | undefined;
  for (const word of known) {
    const w = word.toLowerCase();
    const d = w.startsWith(t) || t.startsWith(w) ? 1 : editDistance(t, w);
    if (best === undefined || d < best.d) best = { word, d };
  }
  if (!best) return undefined;
  return best.d <= Math.max(1, Math.floor(t.length / 3)) ? best.word : undefined;
}

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(typed: string, known: readonly string[], quote = (s: string) => `"${s}"`): string {
  const c = closest(typed, known);
  return c !== undefined ? `; did you mean ${quote(c)}?` : '';
}
