/**
 * A walk over protobuf wire bytes, guided by the generated schema, that runs before the
 * generated decoder so that untrusted bytes are refused before they cost anything:
 *
 * - structure: every tag, varint and length stays inside its message (a truncated file or
 *   non-protobuf bytes fail here with the byte offset and the field's path), known fields have
 *   the wire type their schema says, nesting stops at MAX_NESTING;
 * - memory: what the decoder will allocate is charged to the ModelMemoryBudget first. Protobuf
 *   cannot alias (each byte decodes once), but a 2-byte empty sub-message becomes an object with
 *   every field of its type, and a 1-byte varint in a packed int64 list a bigint: without this
 *   walk a few megabytes of empty NodeProtos would cost gigabytes.
 *
 * The costs are V8's sizes as measured on Node 20 (heap used after decoding 200,000 of a kind),
 * rounded up. Unknown fields are skipped (the decoder is told to drop them).
 */
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { ScalarType } from '@bufbuild/protobuf';
import { ModelFormatError } from '../errors';
import type { ModelMemoryBudget } from '../model/memory-budget';

/** Deepest nesting of messages accepted (a graph in an attribute in a node in a graph... ). */
export const MAX_NESTING = 64;

/**
 * Bytes charged per decoded message, plus MESSAGE_FIELD_COST per field its type declares
 * (measured: an empty NodeProto, 10 fields, takes 266 bytes; an empty TensorProto, 16 fields, 418).
 */
const MESSAGE_COST = 96;
const MESSAGE_FIELD_COST = 24;
/** Per element of a repeated number list (a double in a JS array). */
const NUMBER_COST = 8;
/** Per element of a repeated 64-bit list: a heap bigint and its slot. */
const BIGINT_COST = 40;
/** Per string: header, plus 2 bytes a character. */
const STRING_COST = 32;
/** Per bytes field: a Uint8Array view object (the bytes themselves stay in the file). */
const BYTES_COST = 128;

const enum Wire {
  Varint = 0,
  Fixed64 = 1,
  Delimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

const fieldTables = new WeakMap<DescMessage, Map<number, DescField>>();

/** The schema's fields by number (built once per message type). */
function fieldByNumber(schema: DescMessage, number: number): DescField | undefined {
  let table = fieldTables.get(schema);
  if (!table) {
    table = new Map(schema.fields.map((f) => [f.number, f]));
    fieldTables.set(schema, table);
  }
  return table.get(number);
}

interface Cursor {
  bytes: Uint8Array;
  pos: number;
  budget: ModelMemoryBudget;
}

/**
 * Checks `bytes` as a message of `schema` and charges its decoded size to `budget`; throws a
 * ModelFormatError naming the byte offset and field path on the first problem.
 */
export function checkWire(bytes: Uint8Array, schema: DescMessage, budget: ModelMemoryBudget): void {
  const cursor: Cursor = { bytes, pos: 0, budget };
  walkMessage(cursor, schema, bytes.length, schema.name, 0);
}

/**
 * True when the bytes parse as top-level fields of `schema` up to the end without error (known
 * fields with their wire types; nothing nested is entered). Cheap, never throws: for sniffing.
 */
export function looksLikeMessage(bytes: Uint8Array, schema: DescMessage, requiredField: number): boolean {
  const cursor: Cursor = { bytes, pos: 0, budget: null as unknown as ModelMemoryBudget };
  let seen = false;
  try {
    while (cursor.pos < bytes.length) {
      const [number, wire] = readTag(cursor, bytes.length, schema.name);
      const field = fieldByNumber(schema, number);
      if (!field || !wireTypes(field).includes(wire)) return false;
      if (number === requiredField) seen = true;
      skip(cursor, wire, bytes.length, schema.name);
    }
    return seen;
  } catch {
    return false;
  }
}

function walkMessage(c: Cursor, schema: DescMessage, end: number, path: string, depth: number): void {
  if (depth > MAX_NESTING) fail(c, path, `nested more than ${MAX_NESTING} messages deep`);
  c.budget.charge(MESSAGE_COST + MESSAGE_FIELD_COST * schema.fields.length, `message ${path}`);
  while (c.pos < end) {
    const [number, wire] = readTag(c, end, path);
    const field = fieldByNumber(schema, number);
    if (!field) {
      skip(c, wire, end, path);
      continue;
    }
    const fieldPath = `${path}.${field.name}`;
    if (!wireTypes(field).includes(wire))
      fail(c, fieldPath, `wire type ${wire} where the schema has ${field.fieldKind}`);
    const message = field.fieldKind === 'message' || field.fieldKind === 'list' ? field.message : undefined;
    if (message) {
      const length = readLength(c, end, fieldPath);
      walkMessage(c, message, c.pos + length, fieldPath, depth + 1);
      continue;
    }
    chargeScalar(c, field, wire, end, fieldPath);
  }
  if (c.pos !== end) fail(c, path, 'runs past the end of its enclosing message');
}

function chargeScalar(c: Cursor, field: DescField, wire: Wire, end: number, path: string): void {
  const scalar = field.fieldKind === 'scalar' || field.fieldKind === 'list' ? field.scalar : undefined;
  if (scalar === ScalarType.STRING || scalar === ScalarType.BYTES) {
    const length = readLength(c, end, path);
    c.pos += length;
    c.budget.charge(scalar === ScalarType.STRING ? STRING_COST + 2 * length : BYTES_COST, path);
    return;
  }
  const each = isInt64(scalar) ? BIGINT_COST : NUMBER_COST;
  if (wire !== Wire.Delimited) {
    skip(c, wire, end, path);
    c.budget.charge(each, path);
    return;
  }
  // A packed list: count its elements (varints end at a byte below 0x80).
  const length = readLength(c, end, path);
  const stop = c.pos + length;
  let count = 0;
  const width = fixedWidth(scalar);
  if (width) {
    if (length % width) fail(c, path, `packed list of ${length} bytes is not a multiple of ${width}`);
    count = length / width;
  } else {
    for (let k = c.pos; k < stop; k++) if (c.bytes[k] < 0x80) count++;
    if (length > 0 && c.bytes[stop - 1] >= 0x80) fail(c, path, 'packed list ends inside a varint');
  }
  c.pos = stop;
  c.budget.charge(each * count, path);
}

/** The wire types a field may arrive with (repeated numbers also packed). */
function wireTypes(field: DescField): Wire[] {
  switch (field.fieldKind) {
    case 'message':
    case 'map':
      return [Wire.Delimited];
    case 'enum':
      return [Wire.Varint];
    case 'scalar':
      return [scalarWire(field.scalar)];
    case 'list':
      if (field.listKind === 'message') return [Wire.Delimited];
      if (field.listKind === 'enum') return [Wire.Varint, Wire.Delimited];
      return [...new Set([scalarWire(field.scalar), Wire.Delimited])];
  }
}

function scalarWire(scalar: ScalarType): Wire {
  if (scalar === ScalarType.STRING || scalar === ScalarType.BYTES) return Wire.Delimited;
  const width = fixedWidth(scalar);
  return width === 8 ? Wire.Fixed64 : width === 4 ? Wire.Fixed32 : Wire.Varint;
}

function fixedWidth(scalar: ScalarType | undefined): number {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 8;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 4;
    default:
      return 0;
  }
}

function isInt64(scalar: ScalarType | undefined): boolean {
  return (
    scalar === ScalarType.INT64 ||
    scalar === ScalarType.UINT64 ||
    scalar === ScalarType.SINT64 ||
    scalar === ScalarType.FIXED64 ||
    scalar === ScalarType.SFIXED64
  );
}

function readTag(c: Cursor, end: number, path: string): [number, Wire] {
  const tag = readVarint(c, end, path);
  const number = Math.floor(tag / 8);
  const wire = tag % 8;
  if (number < 1) fail(c, path, 'field number 0');
  if (wire === Wire.StartGroup || wire === Wire.EndGroup || wire > Wire.Fixed32)
    fail(c, path, `wire type ${wire} (groups and types past 5 are not used by onnx.proto)`);
  return [number, wire as Wire];
}

/** A varint as a number (exact below 2^53, which is all lengths and tags need). */
function readVarint(c: Cursor, end: number, path: string): number {
  let value = 0;
  let scale = 1;
  for (let k = 0; k < 10; k++) {
    if (c.pos >= end) fail(c, path, 'truncated: a varint runs past the end');
    const b = c.bytes[c.pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
    scale *= 128;
  }
  fail(c, path, 'a varint longer than 10 bytes');
}

function readLength(c: Cursor, end: number, path: string): number {
  const length = readVarint(c, end, path);
  if (length > end - c.pos) fail(c, path, `truncated: a length of ${length} bytes runs past the end`);
  return length;
}

function skip(c: Cursor, wire: Wire, end: number, path: string): void {
  switch (wire) {
    case Wire.Varint:
      readVarint(c, end, path);
      return;
    case Wire.Fixed64:
    case Wire.Fixed32: {
      const width = wire === Wire.Fixed64 ? 8 : 4;
      if (end - c.pos < width) fail(c, path, 'truncated: a fixed-width value runs past the end');
      c.pos += width;
      return;
    }
    case Wire.Delimited: {
      // Not `c.pos += readLength(...)`: that adds to the position from before the length.
      const length = readLength(c, end, path);
      c.pos += length;
      return;
    }
    default:
      fail(c, path, `wire type ${wire}`);
  }
}

function fail(c: Cursor, path: string, problem: string): never {
  // Deep paths keep their two ends: "ModelProto.graph…node.attribute.g".
  const parts = path.split('.');
  const where = parts.length > 8 ? `${parts.slice(0, 2).join('.')}…${parts.slice(-4).join('.')}` : path;
  throw new ModelFormatError(`not a valid ONNX protobuf at byte ${c.pos} (${where}): ${problem}`);
}
