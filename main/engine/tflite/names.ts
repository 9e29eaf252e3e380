import { BuiltinOperator, type OperatorCodeT } from './generated/tflite';
import { dtypeOf } from './dtype';
import type { TensorType } from './generated/tflite';

/**
 * The effective builtin code of an operator code. Schema v3a moved codes above 127 to
 * `builtinCode` and kept `deprecatedBuiltinCode` (int8) for old readers: take the larger of the
 * two, as TFLite's GetBuiltinCode does.
 */
export function builtinCodeOf(code: OperatorCodeT): BuiltinOperator {
  return Math.max(code.builtinCode, code.deprecatedBuiltinCode) as BuiltinOperator;
}

/** 'CONV_2D', 'CUSTOM', or 'UNKNOWN_<n>' for codes newer than our schema. */
export function opName(code: OperatorCodeT): string {
  const c = builtinCodeOf(code);
  return BuiltinOperator[c] ?? `UNKNOWN_${c}`;
}

export function customCodeOf(code: OperatorCodeT): string | undefined {
  if (builtinCodeOf(code) !== BuiltinOperator.CUSTOM) return undefined;
  const c = code.customCode;
  return typeof c === 'string' ? c : c ? new TextDecoder().decode(c) : '';
}

export function dtypeName(t: TensorType): string {
  return dtypeOf(t);
}

export function asString(s: string | Uint8Array | null | undefined): string {
  if (s === null || s === undefined) return '';
  return typeof s === 'string' ? s : new TextDecoder().decode(s);
}
