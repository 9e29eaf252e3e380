import * as flatbuffers from 'flatbuffers';
import { ModelFormatError } from '../errors';
import { ModelMemoryBudget } from '../model/memory-budget';

/**
 * What one checked read may add to the unpacked model, at most: the generated object API turns
 * each read into one number slot (8 bytes) of an array or object, and building a table or a
 * vector element takes several reads (vtable, offset, value), so 8 bytes a read over-estimates.
 */
export const BYTES_PER_READ = 8;

/**
 * A flatbuffers ByteBuffer that refuses to read outside the file.
 *
 * The stock ByteBuffer reads `bytes[i]` unchecked: out-of-range reads turn into zeros and
 * `subarray` silently truncates strings, so a corrupt file yields a plausible but wrong model.
 * Every primitive read funnels through readUint8/readUint16/readInt32 (the other readers are
 * built on them), so overriding those three plus the string and vector-length helpers bounds
 * every access the generated code makes.
 *
 * Every read and every decoded string is charged to the model's memory budget
 * (model/memory-budget.ts), which guards against files whose offsets alias the same large
 * sub-table or string many times (a DAG instead of a tree): a valid model reads each byte a small
 * number of times, so reads far beyond the file size mean a malicious or broken layout.
 */
export class CheckedByteBuffer extends flatbuffers.ByteBuffer {
  private readonly len: number;

  constructor(
    bytes: Uint8Array,
    readonly budget: ModelMemoryBudget = new ModelMemoryBudget(bytes.length),
  ) {
    super(bytes);
    this.len = bytes.length;
  }

  private check(offset: number, size: number, what: string): void {
    this.budget.charge(BYTES_PER_READ, 'reading the flatbuffer tables');
    if (!(offset >= 0 && offset + size <= this.len)) {
      // Past the end is what a cut-off download or copy looks like: say so in plain words.
      throw new ModelFormatError(
        offset >= 0
          ? `the file is truncated or damaged: it has ${this.len} bytes, but the model refers to a ${what} at byte ${offset}`
          : `the file is damaged: a ${what} at offset ${offset} is outside the file (${this.len} bytes)`,
      );
    }
  }

  override readUint8(offset: number): number {
    this.check(offset, 1, 'byte');
    return super.readUint8(offset);
  }

  override readUint16(offset: number): number {
    this.check(offset, 2, '16-bit value');
    return super.readUint16(offset);
  }

  override readInt32(offset: number): number {
    this.check(offset, 4, '32-bit value');
    return super.readInt32(offset);
  }

  override __vector_len(offset: number): number {
    const start = offset + this.readInt32(offset);
    const n = this.readInt32(start);
    // Every element takes at least one byte, so a longer vector cannot fit in the file.
    if (n < 0 || start + 4 + n > this.len) {
      throw new ModelFormatError(`vector at offset ${start} claims ${n} elements, past the end of the file`);
    }
    return n;
  }

  override __string(offset: number, encoding?: flatbuffers.Encoding): string | Uint8Array {
    const start = offset + this.readInt32(offset);
    const n = this.readInt32(start);
    if (n < 0 || start + 4 + n > this.len) {
      throw new ModelFormatError(`string at offset ${start} claims ${n} bytes, past the end of the file`);
    }
    // Each decode is a new string (up to 2 bytes a character), however many tables share it.
    this.budget.charge(2 * n, `reading a ${n}-byte string`);
    return super.__string(offset, encoding);
  }

  /** Bounds-checked view of a byte vector whose offset field is at `offset`. */
  byteVector(offset: number): Uint8Array {
    const n = this.__vector_len(offset);
    const start = this.__vector(offset);
    return this.bytes().subarray(start, start + n);
  }
}
