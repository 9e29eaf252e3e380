/**
 * Short names for tensors and layers that still tell them apart. Converters name tensors by
 * their scope path ("MobilenetV1/Conv2d_3_pointwise/weights/read"), so the last segment alone
 * is the same for dozens of tensors ("read", "Relu6", "bias"). Each name is cut to its shortest
 * tail of whole path segments that no other name in the set ends with; a name that is not
 * unique at all stays whole. Shared by the CLI's tables and the inspector (pure: no imports).
 */

/** For each name, its shortest distinguishing tail: "…/Conv2d_3_pointwise/weights/read". */
export function distinguishingNames(names: readonly string[]): string[] {
  const split = names.map((n) => n.split('/'));
  // How many names end with each tail of k segments, for the k's asked about (computed lazily).
  const tails = new Map<number, Map<string, number>>();
  const tailCounts = (k: number): Map<string, number> => {
    let m = tails.get(k);
    if (!m) {
      m = new Map();
      for (const parts of split) {
        if (parts.length < k) continue;
        const tail = parts.slice(-k).join('/');
        m.set(tail, (m.get(tail) ?? 0) + 1);
      }
      tails.set(k, m);
    }
    return m;
  };
  return split.map((parts, i) => {
    for (let k = 1; k < parts.length; k++) {
      const tail = parts.slice(-k).join('/');
      // No other name ends with these k segments (a name of exactly k segments counts too).
      if (tailCounts(k).get(tail) === 1) return `…/${tail}`;
    }
    return names[i]!;
  });
}

/** A long display name cut in the middle, keeping both ends: "MobilenetV1/…/weights/read". */
export function middleEllipsis(name: string, max: number): string {
  if (name.length <= max) return name;
  const keep = max - 1;
  const head = Math.ceil(keep / 3);
  return `${name.slice(0, head)}…${name.slice(name.length - (keep - head))}`;
}
