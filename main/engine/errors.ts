/**
 * Domain errors with stable codes. The code is the contract: the CLI maps codes to exit
 * statuses, IPC carries `{code, message}`, and the renderer maps codes to advice.
 * Never match on message text.
 */

export type ErrorCode =
  | 'MODEL_FORMAT'
  | 'UNSUPPORTED_OP'
  | 'SHAPE_MISMATCH'
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'IO'
  | 'CANCELLED'
  | 'DATASET'
  | 'QUANTIZATION'
  | 'DEVICE_TIMEOUT'
  | 'DEVICE_PROTOCOL'
  | 'DEVICE_NOT_FOUND'
  | 'DEVICE_DISCONNECTED'
  | 'DEVICE_VERIFY'
  | 'DEVICE_WRONG_CHIP'
  | 'DEVICE'
  | 'INTERNAL';

export interface LowbitErrorOptions {
  cause?: unknown;
  /**
   * The caller's option the error is about, by its engine name ('strict', 'keepFloat', 'io',
   * 'calibration'...). Engine messages say what is wrong in plain words; a shell that knows how
   * the option is spelled there (a CLI flag, a form field) adds that spelling when it reports.
   */
  option?: string;
}

export class LowbitError extends Error {
  readonly code: ErrorCode;
  readonly option?: string;
  constructor(code: ErrorCode, message: string, options?: LowbitErrorOptions) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.name = new.target.name;
    if (options?.option !== undefined) this.option = options.option;
  }
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** The bytes are not a valid model of the claimed format (bad identifier, offset out of range...). */
export class ModelFormatError extends LowbitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_FORMAT', message, options);
  }
}

/** The model uses an operator, version or dtype that Lowbit cannot run or transform. */
export class UnsupportedOpError extends LowbitError {
  constructor(message: string) {
    super('UNSUPPORTED_OP', message);
  }
}

/** Tensor shapes do not agree (model inputs, kernel operands, dataset samples). */
export class ShapeMismatchError extends LowbitError {
  constructor(message: string) {
    super('SHAPE_MISMATCH', message);
  }
}

/** A caller passed a bad argument (CLI flag, IPC argument, option value). */
export class InvalidArgumentError extends LowbitError {
  constructor(message: string, options?: LowbitErrorOptions) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** A job was cancelled through its AbortSignal. */
export class CancelledError extends LowbitError {
  constructor(message = 'cancelled') {
    super('CANCELLED', message);
  }
}

/** A dataset is empty, unreadable or does not match the model. */
export class DatasetError extends LowbitError {
  constructor(message: string, options?: LowbitErrorOptions) {
    super('DATASET', message, options);
  }
}

/** Quantization could not be carried out (no calibration data, strict mode failure...). */
export class QuantizationError extends LowbitError {
  constructor(message: string, options?: LowbitErrorOptions) {
    super('QUANTIZATION', message, options);
  }
}

/** File system problems outside the engine (missing file, permission...). */
export class IoError extends LowbitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('IO', message, options);
  }
}

/** Base for every device failure; subclasses carry a more specific code. */
export class DeviceError extends LowbitError {
  /** What the user can do about it. */
  readonly advice: string;
  constructor(code: ErrorCode, message: string, advice = '', options?: { cause?: unknown }) {
    super(code, advice ? `${message} (${advice})` : message, options);
    this.advice = advice;
  }
}

/**
 * A DeviceError class with a fixed code and default advice (each subclass below is one line, so
 * `instanceof` and `name` still tell them apart).
 */
function deviceErrorWith(code: ErrorCode, defaultAdvice: string) {
  return class extends DeviceError {
    constructor(message: string, advice = defaultAdvice) {
      super(code, message, advice);
    }
  };
}

export class DeviceTimeoutError extends deviceErrorWith(
  'DEVICE_TIMEOUT',
  'check the cable, the port and that the board is in its bootloader',
) {}

export class DeviceProtocolError extends deviceErrorWith(
  'DEVICE_PROTOCOL',
  'reset the board into its bootloader and try again',
) {}

export class DeviceNotFoundError extends deviceErrorWith(
  'DEVICE_NOT_FOUND',
  'check that the board is plugged in and the port name is right',
) {}

export class DeviceDisconnectedError extends deviceErrorWith(
  'DEVICE_DISCONNECTED',
  'the link dropped: reconnect the board and try again',
) {}

export class DeviceVerifyError extends deviceErrorWith(
  'DEVICE_VERIFY',
  'the written data does not match: flash again',
) {}

export class DeviceWrongChipError extends deviceErrorWith(
  'DEVICE_WRONG_CHIP',
  'choose the protocol and board that match the connected chip',
) {}

/** Turns anything thrown into the `{code, message}` shape that crosses IPC and the CLI. */
/*
 * Errors never echo what a file contains (cell values, names stored in the file, header text):
 * an API caller must not be able to read a file through error messages. A message says where
 * (file, line, column, value or entry number) and what was expected instead.
 */

export function toErrorInfo(e: unknown): { code: ErrorCode; message: string } {
  if (e instanceof LowbitError) return { code: e.code, message: e.message };
  if (e instanceof Error && e.name === 'AbortError') return { code: 'CANCELLED', message: 'cancelled' };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message };
}

/** Throws CancelledError when the signal has fired. Call between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
