/**
 * Numeric dataset files, pure: .npz archives (zip of .npy: the container is read by
 * zip-directory.ts within limits.ts' caps; the .npy parser is the interpreter core's
 * main/engine/tensor/tensor-files) and CSV tables of numbers. Errors are
 * DatasetErrors naming the file (and the line, for CSV).
 */
import { DatasetError } from '../errors';
import { npyNumbers, parseNpy, type NpyArray } from '../tensor/tensor-files';
import { readZipDirectory, readZipMember } from './zip-directory';

/**
 * The arrays of an .npz, by name without ".npy" (np.savez(x=..., y=...) gives "x" and "y"). The
 * archive's directory is checked before anything is inflated (zip-directory.ts: no aliasing
 * members, all members together within MAX_INFLATED_BYTES), and each member inflates to at most
 * its declared size.
 */
export function parseNpz(bytes: Uint8Array, what = 'npz file'): Map<string, NpyArray> {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    throw new DatasetError(`${what}: not an .npz (zip) file`);
  const out = new Map<string, NpyArray>();
  for (const entry of readZipDirectory(bytes, what)) {
    if (!entry.name.endsWith('.npy')) continue;
    const data = readZipMember(bytes, entry, what);
    out.set(entry.name.replace(/\.npy$/, ''), parseNpy(data, `${what}:${entry.label}`));
  }
  if (out.size === 0) throw new DatasetError(`${what}: the archive holds no .npy arrays`);
  return out;
}

/** Picks the inputs and labels of an .npz: x/y, or images/labels, or arr_0/arr_1. */
export function npzInputsAndLabels(
  arrays: Map<string, NpyArray>,
  what = 'npz file',
): { x: NpyArray; y: NpyArray | null; names: [string, string | null] } {
  for (const [xn, yn] of [
    ['x', 'y'],
    ['images', 'labels'],
    ['inputs', 'labels'],
    ['x_test', 'y_test'],
    ['arr_0', 'arr_1'],
  ]) {
    const x = arrays.get(xn);
    if (x) return { x, y: arrays.get(yn) ?? null, names: [xn, arrays.has(yn) ? yn : null] };
  }
  throw new DatasetError(
    `${what}: no input array: expected one named x, images, inputs, x_test or arr_0 (it has ${arrays.size} arrays under other names)`,
  );
}

const MAX_LABEL = 2 ** 31 - 1;

/** Labels as integers: shape [N] or [N, 1], integer-valued, any numeric dtype (int64 included). */
export function labelsFromArray(y: NpyArray, count: number, what: string): Int32Array {
  const n = y.shape.length === 1 ? y.shape[0] : y.shape.length === 2 && y.shape[1] === 1 ? y.shape[0] : -1;
  if (n < 0)
    throw new DatasetError(`${what}: labels must have shape [N] or [N, 1], got [${y.shape.join(',')}]`);
  if (n !== count) throw new DatasetError(`${what}: ${n} labels for ${count} samples`);
  const out = new Int32Array(n);
  const data = npyNumbers(y, what);
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (!Number.isInteger(v) || v < 0 || v > MAX_LABEL)
      throw new DatasetError(
        `${what}: label ${v} of sample ${i} is not a class index (integer in 0..${MAX_LABEL})`,
      );
    out[i] = v;
  }
  return out;
}

export interface CsvTable {
  /** rows x columns numbers (label column removed). */
  values: Float32Array;
  rows: number;
  columns: number;
  header: string[] | null;
  labels: Int32Array | null;
  /** Class names when the label column held names instead of indices (sorted; index = label). */
  classes?: string[];
}

export interface CsvOptions {
  /** Label column: a header name, a 0-based index, 'first', 'last', or null for none. Default: a column named label/class/target/y, else none. */
  labelColumn?: string | number | null;
}

const LABEL_NAMES = ['label', 'labels', 'class', 'target', 'y'];

/** Rows of numbers separated by commas (or semicolons/tabs), optional header row, optional label column. */
export function parseCsvTable(text: string, what = 'csv file', options: CsvOptions = {}): CsvTable {
  const lines = text.split(/\r?\n/);
  const rowsRaw: { cells: string[]; line: number }[] = [];
  lines.forEach((l, i) => {
    if (l.trim() === '' || l.trimStart().startsWith('#')) return;
    rowsRaw.push({ cells: l.split(/[,;\t]/).map((c) => c.trim()), line: i + 1 });
  });
  if (rowsRaw.length === 0) throw new DatasetError(`${what}: the file has no rows`);
  const isNum = (c: string) => c !== '' && Number.isFinite(Number(c));
  let header: string[] | null = null;
  if (rowsRaw[0].cells.some((c) => !isNum(c))) header = rowsRaw.shift()!.cells;
  if (rowsRaw.length === 0) throw new DatasetError(`${what}: the file has a header but no rows`);
  const width = rowsRaw[0].cells.length;
  let labelCol: number | null = null;
  const opt = options.labelColumn;
  if (opt === 'first') labelCol = 0;
  else if (opt === 'last') labelCol = width - 1;
  else if (typeof opt === 'number') labelCol = opt;
  else if (typeof opt === 'string') {
    labelCol = header ? header.findIndex((h) => h === opt) : -1;
    if (labelCol < 0)
      throw new DatasetError(
        `${what}: no column named "${opt}"${header ? ` (the header has ${header.length} columns)` : ' (the file has no header row)'}`,
      );
  } else if (opt === undefined && header) {
    const k = header.findIndex((h) => LABEL_NAMES.includes(h.toLowerCase()));
    labelCol = k >= 0 ? k : null;
  }
  if (labelCol !== null && (labelCol < 0 || labelCol >= width))
    throw new DatasetError(`${what}: label column ${labelCol} is outside the ${width} columns`);
  const columns = labelCol === null ? width : width - 1;
  if (columns === 0) throw new DatasetError(`${what}: no value columns besides the label`);
  const values = new Float32Array(rowsRaw.length * columns);
  const rawLabels: string[] = [];
  rowsRaw.forEach(({ cells, line }, r) => {
    if (cells.length !== width)
      throw new DatasetError(`${what}:${line}: ${cells.length} columns, expected ${width}`);
    let k = 0;
    cells.forEach((c, j) => {
      if (j === labelCol) {
        rawLabels.push(c);
        return;
      }
      if (!isNum(c)) {
        throw new DatasetError(`${what}:${line}: column ${j + 1} is not a number`);
      }
      values[r * columns + k++] = Number(c);
    });
  });
  let labels: Int32Array | null = null;
  let classes: string[] | undefined;
  if (labelCol !== null) {
    if (rawLabels.every((c) => /^\d+$/.test(c))) labels = Int32Array.from(rawLabels, Number);
    else {
      classes = [...new Set(rawLabels)].sort();
      const index = new Map(classes.map((c, i) => [c, i]));
      labels = Int32Array.from(rawLabels, (c) => index.get(c)!);
    }
  }
  return { values, rows: rowsRaw.length, columns, header, labels, classes };
}

/** Labels CSV for a flat image folder: `file,label` rows (header optional). */
export function parseLabelsCsv(text: string, what = 'labels.csv'): { files: string[]; labels: string[] } {
  const files: string[] = [];
  const labels: string[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (l.trim() === '' || l.trimStart().startsWith('#')) return;
    const cells = l.split(',').map((c) => c.trim());
    if (cells.length < 2 || !cells[0]) throw new DatasetError(`${what}:${i + 1}: expected "file,label"`);
    if (files.length === 0 && labels.length === 0 && /^(file|filename|image|path)$/i.test(cells[0])) return; // header
    files.push(cells[0]);
    labels.push(cells[1]);
  });
  if (files.length === 0) throw new DatasetError(`${what}: no "file,label" rows`);
  return { files, labels };
}
