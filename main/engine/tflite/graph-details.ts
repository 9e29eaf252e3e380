/**
 * TFLite's answers to the graph view (model/graph-details.ts): an operator's builtin options by
 * their schema names, and a constant tensor's stored values.
 */
import { listInWords, snakeCase, type ConstantValues, type OpAttribute } from '../model/graph-details';
import { dtypeBytes, hasTypedArray, typedView } from '../tensor/dtype';
import { halvesToFloat32 } from '../tensor/float16';
import { dtypeOf } from './dtype';
import { BuiltinOptions, BuiltinOptions2 } from './generated/tflite';
import { OPTION_ENUMS } from './operator-options';
import type { TflModel } from './model';

/** The operator's builtin options (both tables), custom options as a byte count. */
export function tfliteOpAttributes(model: TflModel, subgraph: number, operator: number): OpAttribute[] {
  const op = model.subgraphs[subgraph]?.operators[operator];
  if (!op) return [];
  const out: OpAttribute[] = [];
  const add = (options: object | null, table: string | undefined) => {
    if (!options) return;
    if (table) out.push({ name: 'options', value: table });
    for (const [key, value] of Object.entries(options)) {
      const shown = inWords(key, value);
      if (shown !== null) out.push({ name: snakeCase(key), value: shown });
    }
  };
  add(
    op.builtinOptions,
    op.builtinOptionsType !== BuiltinOptions.NONE ? BuiltinOptions[op.builtinOptionsType] : undefined,
  );
  add(
    op.builtinOptions2,
    op.builtinOptions2Type !== BuiltinOptions2.NONE ? BuiltinOptions2[op.builtinOptions2Type] : undefined,
  );
  if (op.customOptions.length > 0)
    out.push({ name: 'custom_options', value: `${op.customOptions.length} bytes` });
  return out;
}

function inWords(key: string, value: unknown): string | null {
  const names = OPTION_ENUMS[key];
  if (typeof value === 'number') return names ? (names[value] ?? String(value)) : String(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return value.length > 120 ? `${value.slice(0, 120)}…` : value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' || typeof v === 'bigint'))
    return listInWords(value as (number | bigint)[]);
  return null; // nested tables (StableHLO bodies): not options a person tunes
}

/**
 * A constant tensor's stored values (quantized values as stored); null for activations, sparse
 * tensors and types without one number per element (int4, strings).
 */
export function tfliteConstantValues(
  model: TflModel,
  subgraph: number,
  tensor: number,
): ConstantValues | null {
  const t = model.subgraphs[subgraph]?.tensors[tensor];
  if (!t || t.sparsity) return null;
  const data = model.buffers[t.buffer]?.data;
  if (!data || data.length === 0) return null;
  const dtype = dtypeOf(t.type);
  if (!hasTypedArray(dtype) || dtype === 'bool') return null;
  // A copy: the buffer's bytes need not be aligned for the element size.
  const bytes = data.slice();
  const view = typedView(dtype, bytes.buffer, 0, Math.floor(bytes.length / dtypeBytes(dtype)));
  if (dtype === 'float16') return halvesToFloat32(view as Uint16Array);
  if (view instanceof BigInt64Array) return Float64Array.from(view, Number);
  return view;
}
