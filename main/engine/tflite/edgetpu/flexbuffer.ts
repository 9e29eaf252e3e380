/**
 * A bounds-checked FlexBuffer reader for the custom options of TFLite custom ops (the Edge TPU's
 * `edgetpu-custom-op` stores a map of ints, vectors and a binary string there).
 *
 * Why not the `flatbuffers` package's flexbuffers: its `stringValue()` decodes UTF-8, which
 * mangles the binary executable package the Edge TPU compiler stores as a FlexBuffer string, it
 * finds a string's length by scanning for a terminator, and it reads a DataView unchecked. This
 * reader covers the value types custom options use (null, ints, uints, bools, floats, keys,
 * strings, blobs, maps, vectors and typed vectors), and every offset it follows is checked against
 * the buffer, so a corrupt option block is a ModelFormatError, never a wrong value.
 *
 * Layout (flatbuffers docs, "FlexBuffers"): the last byte is the root's byte width, the one before
 * it the root's packed type (type << 2 | log2 width); offsets point backwards from where they are
 * stored; a vector's length sits just before its first element, a typed vector of n elements is
 * followed by nothing, an untyped vector by n packed-type bytes; a map is a vector of values whose
 * keys vector offset and width sit three and two widths before its first element.
 */
import { ModelFormatError } from '../../errors';

const enum FlexType {
  Null = 0,
  Int = 1,
  Uint = 2,
  Float = 3,
  Key = 4,
  String = 5,
  IndirectInt = 6,
  IndirectUint = 7,
  IndirectFloat = 8,
  Map = 9,
  Vector = 10,
  VectorInt = 11,
  VectorKey = 14,
  VectorStringDeprecated = 15,
  VectorInt2 = 16,
  VectorFloat4 = 24,
  Blob = 25,
  Bool = 26,
  VectorBool = 36,
}

/** One value inside a FlexBuffer: where it is stored, with what width, and its packed type. */
export class FlexValue {
  private constructor(
    private readonly bytes: Uint8Array,
    /** Where the value (or the offset to it) is stored. */
    private readonly at: number,
    /** The width of that slot (the parent's element width). */
    private readonly parentWidth: number,
    private readonly type: number,
    /** The width of the pointed-to data (strings, vectors, indirect numbers). */
    private readonly width: number,
  ) {}

  /** The root value of a FlexBuffer. */
  static root(bytes: Uint8Array): FlexValue {
    if (bytes.length < 3) throw flexError(`${bytes.length} bytes are too few for a FlexBuffer`);
    const rootWidth = bytes[bytes.length - 1]!;
    if (![1, 2, 4, 8].includes(rootWidth)) throw flexError(`root width ${rootWidth} is not 1, 2, 4 or 8`);
    const packed = bytes[bytes.length - 2]!;
    const at = bytes.length - 2 - rootWidth;
    if (at < 0) throw flexError('the root value is outside the buffer');
    return new FlexValue(bytes, at, rootWidth, packed >> 2, 1 << (packed & 3));
  }

  get isNull(): boolean {
    return this.type === FlexType.Null;
  }

  /** An integer value (int, uint, bool or their indirect forms) as a JS number. */
  asInt(): number {
    switch (this.type) {
      case FlexType.Int:
      case FlexType.Bool:
        return this.readInt(this.at, this.parentWidth, true);
      case FlexType.Uint:
        return this.readInt(this.at, this.parentWidth, false);
      case FlexType.IndirectInt:
        return this.readInt(this.target(), this.width, true);
      case FlexType.IndirectUint:
        return this.readInt(this.target(), this.width, false);
      default:
        throw flexError(`expected an integer, found FlexBuffer type ${this.type}`);
    }
  }

  /** A string's or blob's bytes, as a view into the buffer (no copy, no decoding). */
  asBytes(): Uint8Array {
    if (this.type !== FlexType.String && this.type !== FlexType.Blob) {
      throw flexError(`expected a string or blob, found FlexBuffer type ${this.type}`);
    }
    const start = this.target();
    const length = this.readInt(start - this.width, this.width, false);
    this.checkRange(start, length, 'string');
    return this.bytes.subarray(start, start + length);
  }

  /** Number of elements of a vector or map. */
  get length(): number {
    if (!this.isVectorLike()) throw flexError(`expected a vector or map, found FlexBuffer type ${this.type}`);
    // Fixed typed vectors (VECTOR_INT2 … VECTOR_FLOAT4) store no length: 2, 3 or 4 by type.
    if (this.type >= FlexType.VectorInt2 && this.type <= FlexType.VectorFloat4) {
      const length = Math.floor((this.type - FlexType.VectorInt2) / 3) + 2;
      this.checkRange(this.target(), length * this.width, 'vector');
      return length;
    }
    const length = this.readInt(this.target() - this.width, this.width, false);
    // Every element takes at least one byte.
    this.checkRange(this.target(), length, 'vector');
    return length;
  }

  /** The i-th element of a vector or the value of a map's i-th key. */
  element(i: number): FlexValue {
    const n = this.length;
    if (!(i >= 0 && i < n)) throw flexError(`index ${i} is outside a vector of ${n}`);
    const start = this.target();
    const at = start + i * this.width;
    this.checkRange(at, this.width, 'vector element');
    let packed: number;
    if (this.type === FlexType.Vector || this.type === FlexType.Map) {
      const typeAt = start + n * this.width + i;
      this.checkRange(typeAt, 1, 'vector element type');
      packed = this.bytes[typeAt]!;
    } else if (this.type >= FlexType.VectorInt && this.type <= FlexType.VectorStringDeprecated) {
      // Typed vectors: the element type follows from the vector's; strings in the deprecated
      // string vector size themselves with the vector's width.
      const bits = this.type === FlexType.VectorStringDeprecated ? Math.log2(this.width) : 0;
      packed = ((this.type - FlexType.VectorInt + FlexType.Int) << 2) | bits;
    } else if (this.type === FlexType.VectorBool) {
      packed = FlexType.Bool << 2;
    } else {
      // Fixed-length typed vectors (VECTOR_INT2 … VECTOR_FLOAT4) cycle through int, uint, float.
      packed = (((this.type - FlexType.VectorInt2) % 3) + FlexType.Int) << 2;
    }
    return new FlexValue(this.bytes, at, this.width, packed >> 2, 1 << (packed & 3));
  }

  /** A map's value for `key`, or undefined when the map has no such key. */
  get(key: string): FlexValue | undefined {
    if (this.type !== FlexType.Map) throw flexError(`expected a map, found FlexBuffer type ${this.type}`);
    const n = this.length;
    const start = this.target();
    const keysAt = start - 3 * this.width;
    this.checkRange(keysAt, 2 * this.width, 'map keys');
    const keysWidth = this.readInt(start - 2 * this.width, this.width, false);
    if (![1, 2, 4, 8].includes(keysWidth)) throw flexError(`map keys width ${keysWidth} is not 1, 2, 4 or 8`);
    const keysStart = keysAt - this.readInt(keysAt, this.width, false);
    this.checkRange(keysStart, n * keysWidth, 'map keys');
    for (let i = 0; i < n; i++) {
      const slot = keysStart + i * keysWidth;
      const keyAt = slot - this.readInt(slot, keysWidth, false);
      if (this.keyEquals(keyAt, key)) return this.element(i);
    }
    return undefined;
  }

  private isVectorLike(): boolean {
    return (
      this.type === FlexType.Map ||
      this.type === FlexType.Vector ||
      (this.type >= FlexType.VectorInt && this.type <= FlexType.VectorFloat4) ||
      this.type === FlexType.VectorBool
    );
  }

  private keyEquals(at: number, key: string): boolean {
    for (let i = 0; i < key.length; i++) {
      this.checkRange(at + i, 1, 'map key');
      if (this.bytes[at + i] !== key.charCodeAt(i)) return false;
    }
    this.checkRange(at + key.length, 1, 'map key');
    return this.bytes[at + key.length] === 0;
  }

  /** Where an offset stored at this value's slot points. */
  private target(): number {
    const to = this.at - this.readInt(this.at, this.parentWidth, false);
    if (!(to >= 0 && to <= this.bytes.length))
      throw flexError(`offset at byte ${this.at} points outside the buffer`);
    return to;
  }

  private readInt(at: number, width: number, signed: boolean): number {
    this.checkRange(at, width, 'value');
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + at, width);
    switch (width) {
      case 1:
        return signed ? view.getInt8(0) : view.getUint8(0);
      case 2:
        return signed ? view.getInt16(0, true) : view.getUint16(0, true);
      case 4:
        return signed ? view.getInt32(0, true) : view.getUint32(0, true);
      case 8: {
        const v = signed ? view.getBigInt64(0, true) : view.getBigUint64(0, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
          throw flexError(`64-bit value ${v} at byte ${at} is too large`);
        }
        return Number(v);
      }
      default:
        throw flexError(`width ${width} is not 1, 2, 4 or 8`);
    }
  }

  private checkRange(at: number, size: number, what: string): void {
    if (!(at >= 0 && size >= 0 && at + size <= this.bytes.length)) {
      throw flexError(
        `${what} at byte ${at} (${size} bytes) is outside the ${this.bytes.length}-byte buffer`,
      );
    }
  }
}

function flexError(message: string): ModelFormatError {
  return new ModelFormatError(`custom options (FlexBuffer): ${message}`);
}
