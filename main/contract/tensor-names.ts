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

/**
 * A distinguishing name (distinguishingNames) cut to `max` characters keeping what tells it
 * apart: its first segment (the one that made it unique) and its last; the middle goes first,
 * then the ends of both. "…/Conv2d_1_pointwise/weights/read" at 20: "…/Conv2d_1_poi…/read".
 */
export function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  const lead = name.startsWith('…/') ? '…/' : '';
  const parts = name.slice(lead.length).split('/');
  if (parts.length < 2) return middleEllipsis(name, max);
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const skipped = `${lead}${first}/…/${last}`;
  if (parts.length > 2 && skipped.length <= max) return skipped;
  // What is left after the lead and the "…/" that joins the two: the first segment keeps at
  // least 60 % of it, the last segment the rest (cut at its end when it is longer).
  const room = max - lead.length - 2;
  if (room >= 8) {
    const keepFirst = Math.min(first.length, Math.max(Math.ceil(room * 0.6), room - last.length));
    const keepLast = room - keepFirst;
    const tail = last.length <= keepLast ? last : `${last.slice(0, Math.max(1, keepLast - 1))}…`;
    const joint = keepFirst < first.length ? '…/' : '/';
    return `${lead}${first.slice(0, keepFirst)}${joint}${tail}`;
  }
  return middleEllipsis(name, max);
}
