/**
 * The one reader for files a user names (models, dataset files, labels, tensor inputs, images)
 * and the app's own small files. Every read is bounded before a byte is read:
 *   - only a regular file: a directory, a device (/dev/zero), a FIFO or a socket is refused,
 *     and the file is opened non-blocking, so a FIFO with no writer cannot hang the open;
 *   - at most the limit of its kind (FILE_SIZE_LIMITS), checked on the open file's size;
 *   - exactly that many bytes are read, so a file growing meanwhile cannot exceed the limit.
 * Failures are IoErrors naming the file (and the limit, when it is the size). A new kind of
 * input gets its line in FILE_SIZE_LIMITS, with the reason for its figure.
 */
import fs from 'node:fs';
import { IoError } from '../engine/errors';
import { ioError } from './write-file';

const MiB = 2 ** 20;

/** The largest file one read can hold: Node's own limit for a single read (2 GiB - 1). */
const ONE_READ = 2 ** 31 - 1;

/** What a file is read as; each kind has its size limit. */
export type FileKind = 'model' | 'externalData' | 'dataset' | 'tensor' | 'image' | 'labels' | 'smallText';

export const FILE_SIZE_LIMITS: Record<FileKind, number> = {
  /** Past 2 GiB a model needs its buffers outside one read anyway. */
  model: ONE_READ,
  /** An ONNX model's external tensor data: read by ranges (readFileRange), never whole. */
  externalData: Number.MAX_SAFE_INTEGER,
  /** IDX, .npy, .npz and CSV files: decoded in memory whole. */
  dataset: ONE_READ,
  /** `run --input` and representative-data files: one or a few tensors. */
  tensor: ONE_READ,
  /** One image of an image-folder dataset: camera photos are a few MB, 256 MiB is generous. */
  image: 256 * MiB,
  /**
   * A `file,label` CSV: a line per image, so ~300,000 images fit in 8 MiB. Parsing costs about
   * 15 bytes per file byte in strings (64 MiB of short lines took 1.2 GB), which 8 MiB keeps
   * near 150 MiB.
   */
  labels: 8 * MiB,
  /** The app's own JSON (recent models), a board drive's INFO_UF2.TXT. */
  smallText: MiB,
};

/** Opens without blocking on a FIFO (Windows has no O_NONBLOCK and no FIFOs to block on). */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** The bytes of the regular file `file`, at most FILE_SIZE_LIMITS[kind]; IoError otherwise. */
export function readFileBytes(file: string, kind: FileKind): Uint8Array {
  return withRegularFile(file, kind, (fd, size) => readExactly(fd, size));
}

/** The first `count` bytes (fewer when the file is shorter), to sniff a file's type. */
export function readFileHead(file: string, count: number, kind: FileKind): Uint8Array {
  return withRegularFile(file, kind, (fd, size) => readExactly(fd, Math.min(size, count)));
}

/** The size of the regular file `file`, under the rules of its kind. */
export function regularFileSize(file: string, kind: FileKind): number {
  return withRegularFile(file, kind, (_fd, size) => size);
}

/**
 * `length` bytes of the regular file `file` from `offset` (fewer when it ends sooner), read in
 * slices of at most 1 GiB: for ranges of files too large to read whole.
 */
export function readFileRange(file: string, kind: FileKind, offset: number, length: number): Uint8Array {
  return withRegularFile(file, kind, (fd) => {
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, bytes, done, Math.min(length - done, 2 ** 30), offset + done);
      if (n === 0) break;
      done += n;
    }
    return done === length ? bytes : bytes.subarray(0, done);
  });
}

function withRegularFile<T>(file: string, kind: FileKind, use: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    throw ioError(file, e);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new IoError(`${file}: ${notRegular(stat)}, not a regular file`);
    const limit = FILE_SIZE_LIMITS[kind];
    if (stat.size > limit) {
      throw new IoError(`${file}: ${stat.size} bytes, over the ${limit}-byte limit for a ${kind} file`);
    }
    return use(fd, stat.size);
  } catch (e) {
    if (e instanceof IoError) throw e;
    throw ioError(file, e);
  } finally {
    fs.closeSync(fd);
  }
}

function readExactly(fd: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let done = 0;
  while (done < size) {
    const n = fs.readSync(fd, bytes, done, size - done, done);
    if (n === 0) break;
    done += n;
  }
  // A file that shrank while being read yields what it had.
  return done === size ? bytes : bytes.subarray(0, done);
}

/** A regular file's text (UTF-8), under the same rules as readFileBytes. */
export function readFileText(file: string, kind: FileKind): string {
  return new TextDecoder().decode(readFileBytes(file, kind));
}

function notRegular(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'is a directory';
  if (stat.isFIFO()) return 'is a FIFO (named pipe)';
  if (stat.isSocket()) return 'is a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'is a device';
  return 'is a special file';
}
