import { ModelFormatError } from '../errors';
import { ModelMemoryBudget } from '../model/memory-budget';
import { BYTES_PER_READ, CheckedByteBuffer } from './checked-byte-buffer';
import { Model } from './generated/tflite';
import { dtypeBytes } from '../tensor/dtype';
import { dtypeOf } from './dtype';
import type { TensorT, TflBuffer, TflModel } from './model';

export const TFLITE_IDENTIFIER = 'TFL3';

/** True when the bytes carry the TFLite file identifier at offset 4. Never throws. */
export function isTflite(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 8 && bytes[4] === 0x54 && bytes[5] === 0x46 && bytes[6] === 0x4c && bytes[7] === 0x33
  );
}

/**
 * Reads a .tflite file into a mutable model.
 *
 * The file is untrusted: every offset and length is checked (see CheckedByteBuffer), every index
 * (tensor, buffer, opcode, subgraph) is range-checked, and any problem becomes a ModelFormatError
 * naming what is wrong. Buffer bytes are copied, so the model never aliases `bytes`.
 *
 * What the model costs is bounded by the format-neutral cap (model/memory-budget.ts): every
 * unpacked value, decoded string and copied buffer is charged before it is allocated, and so is
 * every tensor's and every operator input's reference to a buffer, because later stages (the
 * interpreter's constant setup, kernels that pack weights) do work per reference. Many entries
 * aliasing one buffer therefore cost what they would cost as separate data, and a file that would
 * cost more than the cap is refused with a ModelFormatError naming the limit.
 */
export function readTflite(input: Uint8Array): TflModel {
  // A Node Buffer is a Uint8Array whose slice() returns a view: normalise so copies are copies.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < 8)
    throw new ModelFormatError(`file is ${bytes.length} bytes, too short for a TFLite model`);
  if (!isTflite(bytes)) {
    const id = String.fromCharCode(...bytes.subarray(4, 8)).replace(/[^\x20-\x7e]/g, '?');
    throw new ModelFormatError(
      `not a TFLite model: file identifier is "${id}", expected "${TFLITE_IDENTIFIER}"`,
    );
  }
  const budget = new ModelMemoryBudget(bytes.length);
  let model: TflModel;
  try {
    model = unpack(bytes, budget);
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    // RangeError from a typed-array view, TypeError from a null table: still a bad file.
    throw new ModelFormatError(`corrupt TFLite flatbuffer: ${(e as Error).message}`, { cause: e });
  }
  validateReferences(model);
  chargeReferences(model, budget);
  return model;
}

class ModelWithoutBuffers extends Model {
  override buffersLength(): number {
    return 0;
  }
}

function unpack(bytes: Uint8Array, budget: ModelMemoryBudget): TflModel {
  const bb = new CheckedByteBuffer(bytes, budget);
  const root = bb.readUint32(0);
  if (root < 8 || root + 4 > bytes.length)
    throw new ModelFormatError(
      root + 4 > bytes.length && root >= 8
        ? `the file is truncated or damaged: it has ${bytes.length} bytes, but its root table is at byte ${root}`
        : `root table offset ${root} is outside the file`,
    );
  const m = Model.getRootAsModel(bb);
  // Every field but buffers goes through the generated object API; buffers are read below as
  // byte views (the generated code would build a number[] one element at a time).
  const t = Model.getRootAsModel(bb, new ModelWithoutBuffers()).unpack();
  const buffers: TflBuffer[] = [];
  const n = m.buffersLength();
  for (let i = 0; i < n; i++) {
    const b = m.buffers(i);
    if (!b) throw new ModelFormatError(`buffer ${i} is missing`);
    buffers.push({ data: readBufferData(bb, b.bb_pos, bytes, i) });
  }
  for (const sg of t.subgraphs) {
    for (const op of sg.operators) {
      if (op.largeCustomOptionsSize > 0n) {
        const options = sliceExternal(
          bytes,
          op.largeCustomOptionsOffset,
          op.largeCustomOptionsSize,
          'large custom options',
        );
        budget.charge(BYTES_PER_READ * options.length, 'reading large custom options');
        op.customOptions = Array.from(options);
        op.largeCustomOptionsOffset = 0n;
        op.largeCustomOptionsSize = 0n;
      }
    }
  }
  const description = typeof t.description === 'string' || t.description === null ? t.description : null;
  return {
    version: t.version,
    operatorCodes: t.operatorCodes,
    subgraphs: t.subgraphs,
    description,
    buffers,
    metadataBuffer: t.metadataBuffer,
    metadata: t.metadata,
    signatureDefs: t.signatureDefs,
    externalBufferGroups: t.externalBufferGroups,
    externalBuffers: t.externalBuffers,
  };
}

/** Buffer table fields: data (vtable slot 4), offset (6), size (8). */
function readBufferData(bb: CheckedByteBuffer, pos: number, bytes: Uint8Array, index: number): Uint8Array {
  const offsetField = bb.__offset(pos, 6);
  const sizeField = bb.__offset(pos, 8);
  const offset = offsetField ? bb.readUint64(pos + offsetField) : 0n;
  const size = sizeField ? bb.readUint64(pos + sizeField) : 0n;
  // Models over 2 GB keep buffer bytes after the flatbuffer; offset 0 (or 1, the converter's
  // placeholder with size 0) means "not used".
  const dataField = bb.__offset(pos, 4);
  const data =
    offset > 1n
      ? sliceExternal(bytes, offset, size, `buffer ${index}`)
      : dataField
        ? bb.byteVector(pos + dataField)
        : new Uint8Array(0);
  // Copied so the model owns its bytes; charged first, so buffers aliasing one region of the
  // file cannot each be copied for free.
  bb.budget.charge(data.length, `reading buffer ${index} (${data.length} bytes)`);
  return data.slice();
}

function sliceExternal(bytes: Uint8Array, offset: bigint, size: bigint, what: string): Uint8Array {
  const end = offset + size;
  if (size < 0n || end > BigInt(bytes.length)) {
    throw new ModelFormatError(
      `${what} is stored at offset ${offset} with ${size} bytes, past the end of the file (${bytes.length} bytes)`,
    );
  }
  return bytes.subarray(Number(offset), Number(end));
}

/**
 * Charges each tensor's and each operator input's view of its buffer: per-reference work later
 * (a typed view, a densified or converted constant, packed weights) is then bounded by the cap.
 */
function chargeReferences(model: TflModel, budget: ModelMemoryBudget): void {
  // A sparse constant is used densified: it costs its dense size, not its stored one.
  const size = (t: TensorT) => {
    const stored = model.buffers[t.buffer]?.data.length ?? 0;
    if (!t.sparsity || stored === 0) return stored;
    return t.shape.reduce((n, d) => n * Math.max(d, 0), dtypeBytes(dtypeOf(t.type)));
  };
  model.subgraphs.forEach((sg, s) => {
    sg.tensors.forEach((t, k) =>
      budget.charge(size(t), `subgraph ${s}'s tensor ${k}${t.sparsity ? ' (sparse, densified)' : ''}`),
    );
    sg.operators.forEach((op, k) => {
      for (const i of op.inputs)
        if (i >= 0) budget.charge(size(sg.tensors[i]), `subgraph ${s}'s operator ${k}`);
    });
  });
}

function validateReferences(model: TflModel): void {
  const nb = model.buffers.length;
  const nc = model.operatorCodes.length;
  if (model.subgraphs.length === 0) throw new ModelFormatError('model has no subgraphs');
  model.subgraphs.forEach((sg, s) => {
    const nt = sg.tensors.length;
    const where = (what: string) => `subgraph ${s}: ${what}`;
    const tensorRef = (i: number, what: string, optional: boolean) => {
      if (optional && i === -1) return;
      if (!Number.isInteger(i) || i < 0 || i >= nt) {
        throw new ModelFormatError(where(`${what} refers to tensor ${i}, but there are ${nt} tensors`));
      }
    };
    sg.inputs.forEach((i) => tensorRef(i, 'an input', false));
    sg.outputs.forEach((i) => tensorRef(i, 'an output', false));
    sg.tensors.forEach((t, k) => {
      if (t.buffer < 0 || t.buffer >= Math.max(nb, 1)) {
        throw new ModelFormatError(
          where(`tensor ${k} refers to buffer ${t.buffer}, but there are ${nb} buffers`),
        );
      }
      for (const d of t.shape) {
        if (d < -1) throw new ModelFormatError(where(`tensor ${k} has a negative dimension ${d}`));
      }
    });
    sg.operators.forEach((op, k) => {
      if (op.opcodeIndex < 0 || op.opcodeIndex >= nc) {
        throw new ModelFormatError(
          where(`operator ${k} uses opcode ${op.opcodeIndex}, but there are ${nc} operator codes`),
        );
      }
      op.inputs.forEach((i) => tensorRef(i, `operator ${k} input`, true));
      op.outputs.forEach((i) => tensorRef(i, `operator ${k} output`, true));
      op.intermediates.forEach((i) => tensorRef(i, `operator ${k} intermediate`, true));
    });
  });
  model.metadata.forEach((md, k) => {
    if (md.buffer >= nb)
      throw new ModelFormatError(`metadata ${k} refers to buffer ${md.buffer}, but there are ${nb} buffers`);
  });
  model.signatureDefs.forEach((sd, k) => {
    if (sd.subgraphIndex >= model.subgraphs.length) {
      throw new ModelFormatError(
        `signature ${k} refers to subgraph ${sd.subgraphIndex}, which does not exist`,
      );
    }
  });
}
