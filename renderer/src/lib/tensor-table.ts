/** Sorting and filtering for the tensor table, kept apart from the component so it is plain data. */
import type { TensorInfo } from './contract';
import { elementCount, formatShape } from './format';

export type SortKey = 'index' | 'name' | 'shape' | 'dtype' | 'bytes' | 'buffer';
export type SortDir = 'asc' | 'desc';

function compare(a: TensorInfo, b: TensorInfo, key: SortKey): number {
  switch (key) {
    case 'index':
      return a.index - b.index;
    case 'name':
      return a.name.localeCompare(b.name, 'en', { numeric: true });
    case 'dtype':
      return a.dtype.localeCompare(b.dtype, 'en', { numeric: true });
    case 'bytes':
      return a.bytes - b.bytes;
    case 'buffer':
      return a.buffer - b.buffer;
    case 'shape': {
      // By element count, then by rank, then dimension by dimension.
      const d = elementCount(a.shape) - elementCount(b.shape);
      if (d !== 0) return d;
      if (a.shape.length !== b.shape.length) return a.shape.length - b.shape.length;
      for (let i = 0; i < a.shape.length; i++) if (a.shape[i] !== b.shape[i]) return a.shape[i] - b.shape[i];
      return 0;
    }
  }
}

/** Returns a new array; ties keep tensor-index order so the result is deterministic. */
export function sortTensors(tensors: readonly TensorInfo[], key: SortKey, dir: SortDir): TensorInfo[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...tensors].sort((a, b) => sign * compare(a, b, key) || a.index - b.index);
}

/**
 * Case-insensitive match on name, dtype or shape ("1×96" or "1x96"). Several words must all
 * match, so "int8 conv" finds the int8 tensors whose name mentions conv.
 */
export function filterTensors(tensors: readonly TensorInfo[], query: string): TensorInfo[] {
  const words = query.toLowerCase().replace(/x/g, '×').split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...tensors];
  return tensors.filter((t) => {
    const hay = `${t.name} ${t.dtype} ${formatShape(t.shape)} #${t.index}`.toLowerCase().replace(/x/g, '×');
    return words.every((w) => hay.includes(w));
  });
}
