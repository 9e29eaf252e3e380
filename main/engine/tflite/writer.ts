import * as flatbuffers from 'flatbuffers';
import { Buffer, Model, ModelT } from './generated/tflite';
import type { TflModel } from './model';
import { TFLITE_IDENTIFIER } from './reader';

export interface WriteOptions {
  /**
   * Store buffer bytes after the flatbuffer (Buffer.offset/size) instead of inside it. Needed
   * past 2 GB, where flatbuffer offsets overflow; 'auto' does it only then.
   */
  appendBuffers?: boolean | 'auto';
}

/**
 * Two size savings over the stock builder, both lossless for the model object and valid
 * flatbuffers for every reader (TFLite's verifier included):
 *  - empty vectors are left out instead of written, as TFLite's C++ object API does
 *    (`_o->x.size() ? CreateVector(...) : 0`): an absent vector reads back as an empty one;
 *  - vectors identical to one already written (same bytes, element size and alignment) are
 *    written once and referenced twice. Quantized models repeat the same per-channel zero-point
 *    vector (all zeros, int64) for every weight and bias tensor with as many channels: 8 bytes a
 *    channel, 0.25 MB of MobileNetV2's int8 file.
 */
class CompactBuilder extends flatbuffers.Builder {
  private skipping = false;
  private vectorStart = 0;
  private vectorKey = '';
  private vectorBytes = 0;
  private inVector = false;
  private vectorHasOffsets = false;
  private readonly seen = new Map<string, flatbuffers.Offset>();

  override startVector(elemSize: number, numElems: number, alignment: number): void {
    this.skipping = numElems === 0;
    if (this.skipping) return;
    // Offsets count from the end of the buffer, so they survive the buffer growing.
    this.vectorStart = this.offset();
    this.vectorBytes = elemSize * numElems;
    this.inVector = true;
    this.vectorHasOffsets = false;
    this.vectorKey = this.vectorBytes <= DEDUPE_MAX_BYTES || elemSize > 1 ? `${elemSize}:${alignment}:` : '';
    super.startVector(elemSize, numElems, alignment);
  }

  override addOffset(offset: flatbuffers.Offset): void {
    if (this.inVector) this.vectorHasOffsets = true;
    super.addOffset(offset);
  }

  override endVector(): flatbuffers.Offset {
    if (this.skipping) {
      this.skipping = false;
      return 0;
    }
    const end = super.endVector();
    this.inVector = false;
    // Offsets are stored relative to their own position: equal bytes elsewhere point elsewhere.
    if (!this.vectorKey || this.vectorHasOffsets) return end;
    const self = this as unknown as { bb: flatbuffers.ByteBuffer; space: number };
    // Length prefix + elements; not the alignment padding, which depends on the position.
    const bytes = self.bb.bytes().subarray(self.space, self.space + 4 + this.vectorBytes);
    const key = this.vectorKey + bytesKey(bytes);
    const earlier = this.seen.get(key);
    if (earlier !== undefined) {
      // Drop what was just written (data, length prefix, padding) and point at the first copy.
      self.space = self.bb.capacity() - this.vectorStart;
      return earlier;
    }
    this.seen.set(key, end);
    return end;
  }
}

/**
 * Which vectors are compared: every vector of wider-than-byte elements (shapes, quantization
 * scales and zero points, index lists: per-channel parameters of a 1,280-channel layer are 10 KB
 * of int64 zeros) and byte vectors up to this size. Larger byte vectors are weight buffers: rarely
 * equal, and hashing megabytes of them would cost more time than it saves bytes.
 */
const DEDUPE_MAX_BYTES = 4096;

/** The bytes as a string key (one UTF-16 unit per byte), built in chunks to stay under argument limits. */
function bytesKey(bytes: Uint8Array): string {
  let key = '';
  for (let i = 0; i < bytes.length; i += 8192)
    key += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return key;
}

/** Flatbuffer offsets are signed 32-bit: leave headroom below 2 GiB for the tables themselves. */
const INLINE_LIMIT = 2 ** 31 - 64 * 1024 * 1024;
/** TFLite aligns weight buffers so that kernels may read them as wider types. */
const BUFFER_ALIGNMENT = 16;

/** Serialises a model to .tflite bytes. Pure: the model is not modified. */
export function writeTflite(model: TflModel, options: WriteOptions = {}): Uint8Array {
  const total = model.buffers.reduce((n, b) => n + b.data.length, 0);
  const append = options.appendBuffers === true || (options.appendBuffers !== false && total > INLINE_LIMIT);
  const builder = new CompactBuilder(append ? 1 << 16 : total + (1 << 16));

  // Built back to front: buffer data first so that it lands at the end of the file, after the
  // small tables, as TFLite's own converter lays files out.
  const bufferOffsets = model.buffers.map((b) => {
    if (append) {
      Buffer.startBuffer(builder);
      // Placeholders: patched once the flatbuffer's final size (where the data starts) is known.
      Buffer.addOffset(builder, b.data.length > 0 ? 1n : 0n);
      Buffer.addSize(builder, BigInt(b.data.length));
      return Buffer.endBuffer(builder);
    }
    const data = b.data.length > 0 ? alignedByteVector(builder, b.data) : 0;
    Buffer.startBuffer(builder);
    if (data) Buffer.addData(builder, data);
    return Buffer.endBuffer(builder);
  });
  const t = new ModelT(
    model.version,
    model.operatorCodes,
    model.subgraphs,
    model.description,
    [],
    model.metadataBuffer,
    model.metadata,
    model.signatureDefs,
    model.externalBufferGroups,
    model.externalBuffers,
  );
  // ModelT.pack would pack `buffers` itself; give it none and splice ours in.
  const root = packModelWithBuffers(builder, t, bufferOffsets);
  builder.finish(root, TFLITE_IDENTIFIER);
  const head = builder.asUint8Array();
  if (!append) return head.slice();
  return appendBufferData(head, model);
}

function alignedByteVector(builder: flatbuffers.Builder, data: Uint8Array): flatbuffers.Offset {
  builder.startVector(1, data.length, BUFFER_ALIGNMENT);
  // Fast path for the generated per-byte loop: reserve the space and copy the bytes in one go.
  const b = builder as unknown as { bb: flatbuffers.ByteBuffer; space: number };
  b.space -= data.length;
  b.bb.bytes().set(data, b.space);
  return builder.endVector();
}

function packModelWithBuffers(
  builder: flatbuffers.Builder,
  t: ModelT,
  bufferOffsets: flatbuffers.Offset[],
): flatbuffers.Offset {
  const operatorCodes = Model.createOperatorCodesVector(
    builder,
    builder.createObjectOffsetList(t.operatorCodes),
  );
  const subgraphs = Model.createSubgraphsVector(builder, builder.createObjectOffsetList(t.subgraphs));
  const description = t.description !== null ? builder.createString(t.description) : 0;
  const buffers = Model.createBuffersVector(builder, bufferOffsets);
  const metadataBuffer = Model.createMetadataBufferVector(builder, t.metadataBuffer);
  const metadata = Model.createMetadataVector(builder, builder.createObjectOffsetList(t.metadata));
  const signatureDefs = Model.createSignatureDefsVector(
    builder,
    builder.createObjectOffsetList(t.signatureDefs),
  );
  const groups = Model.createExternalBufferGroupsVector(
    builder,
    builder.createObjectOffsetList(t.externalBufferGroups),
  );
  const external = Model.createExternalBuffersVector(
    builder,
    builder.createObjectOffsetList(t.externalBuffers),
  );
  return Model.createModel(
    builder,
    t.version,
    operatorCodes,
    subgraphs,
    description,
    buffers,
    metadataBuffer,
    metadata,
    signatureDefs,
    groups,
    external,
  );
}

/** Lays buffer bytes after the flatbuffer and patches each Buffer's offset field to point at them. */
function appendBufferData(head: Uint8Array, model: TflModel): Uint8Array {
  const align = (n: number) => Math.ceil(n / BUFFER_ALIGNMENT) * BUFFER_ALIGNMENT;
  const offsets: number[] = [];
  let end = align(head.length);
  for (const b of model.buffers) {
    offsets.push(b.data.length > 0 ? end : 0);
    end = align(end + b.data.length);
  }
  const out = new Uint8Array(end);
  out.set(head);
  const bb = new flatbuffers.ByteBuffer(out);
  const m = Model.getRootAsModel(bb);
  model.buffers.forEach((b, i) => {
    if (b.data.length === 0) return;
    out.set(b.data, offsets[i]);
    const buf = m.buffers(i)!;
    const field = bb.__offset(buf.bb_pos, 6);
    bb.writeUint64(buf.bb_pos + field, BigInt(offsets[i]));
  });
  return out;
}
