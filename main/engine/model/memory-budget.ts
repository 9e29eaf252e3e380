/**
 * The one cap on the memory a model file may cost, whatever its format. A reader (and any stage
 * that materialises something per reference, like the interpreter densifying a sparse constant)
 * charges what it is about to allocate to a ModelMemoryBudget sized from the file, and the charge
 * throws a ModelFormatError naming the limit before the allocation happens.
 *
 * Why proportional to the file: an honest model costs about its own size once read (weights are
 * copied once, tables become small objects). A hostile one makes many entries point at the same
 * bytes (a DAG instead of a tree) so that each reference becomes a fresh copy or a fresh object:
 * 256 KB that unpacks to gigabytes. Charging every copy, every unpacked value and every
 * per-reference view keeps the cost linear in the file no matter how the file is laid out.
 *
 * The figures: the largest ratio among the shared test models is about 40 bytes charged per file
 * byte (Edge TPU models, whose megabyte of custom options unpacks element by element into a
 * number[]); ordinary models charge 2-7. MODEL_MEMORY_FACTOR leaves room above that, and the base
 * lets small models have small tables that reference a lot. A new format's reader charges the
 * same budget (see ModelFormat.read in format.ts).
 */
import { ModelFormatError } from '../errors';

/** Bytes a model may cost per byte of its file. */
export const MODEL_MEMORY_FACTOR = 64;
/** Bytes any model may cost on top of MODEL_MEMORY_FACTOR × its size. */
export const MODEL_MEMORY_BASE = 64 * 2 ** 20;

/** MODEL_MEMORY_FACTOR × the file's size + MODEL_MEMORY_BASE. */
export function modelMemoryLimit(fileBytes: number): number {
  return MODEL_MEMORY_FACTOR * fileBytes + MODEL_MEMORY_BASE;
}

/** What reading one model has cost so far, against modelMemoryLimit(its size). */
export class ModelMemoryBudget {
  readonly limit: number;
  private remaining: number;

  /**
   * `sizeBytes`: the file's size when reading; a stage working on a model already in memory
   * passes the bytes the model stores and says so in `sizeName`.
   */
  constructor(
    readonly sizeBytes: number,
    private readonly sizeName = 'file',
  ) {
    this.limit = modelMemoryLimit(sizeBytes);
    this.remaining = this.limit;
  }

  /**
   * Records `bytes` about to be allocated for `what` ("buffer 3 (200000 bytes)", "densifying
   * tensor 5"); throws once the total passes the limit.
   */
  charge(bytes: number, what: string): void {
    this.remaining -= bytes;
    if (this.remaining < 0) {
      throw new ModelFormatError(
        `${what} would take the model past its memory limit of ${this.limit} bytes ` +
          `(${MODEL_MEMORY_FACTOR} × the ${this.sizeBytes}-byte ${this.sizeName} + ${MODEL_MEMORY_BASE}): ` +
          'its tables or buffers reference the same data too many times (corrupt or hostile file)',
      );
    }
  }

  get spent(): number {
    return this.limit - this.remaining;
  }
}
