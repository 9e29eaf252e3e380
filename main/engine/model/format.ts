/**
 * What a model format is, for the rest of Lowbit. One implementation per format, in the format's
 * own folder (main/engine/tflite/format.ts today, main/engine/onnx/format.ts next), listed once
 * in registry.ts. Everything outside the engine opens models through the registry's `openModel`,
 * so a new format is a new folder, its id in format-id.ts and one registry line.
 *
 * A format turns untrusted bytes into its own in-memory model (`M`), summarises it in the
 * format-neutral InspectReport, and optionally writes it back and lowers it to a TFLite model,
 * which is what the interpreter, the optimizers and the deploy code work on.
 */
import type { ConversionReport } from '../convert/report';
import type { TflModel } from '../tflite/model';
import type { ModelReadContext } from './external-data';
import type { ModelFormatId } from './format-id';
import type { ConstantValues, OpAttribute } from './graph-details';
import type { InspectReport } from './inspect-report';

export type { ModelFormatId } from './format-id';

// Methods (not function-valued properties) on purpose: a ModelFormat<TflModel> must fit in the
// registry's list of ModelFormat<unknown>, which method parameter bivariance allows.
export interface ModelFormat<M = unknown> {
  readonly id: ModelFormatId;
  /** Shown to people: "TFLite". */
  readonly name: string;
  /** File name endings, lower case with the dot: [".tflite"]. The first is the one to save with. */
  readonly extensions: readonly string[];
  /** What `sniff` looks for, in words, for the error that says no format recognised a file. */
  readonly recognisedBy: string;
  /**
   * True when the bytes (magic numbers first, then the file name's extension) look like this
   * format. Cheap, and never throws: any bytes, any length, any name.
   */
  sniff(bytes: Uint8Array, fileName: string): boolean;
  /**
   * Parses the bytes. The bytes are untrusted: every offset and length is bounds-checked and
   * any problem is a ModelFormatError saying what is wrong (the registry adds the file name).
   * What reading costs is capped by the one rule of memory-budget.ts: charge a ModelMemoryBudget
   * for the bytes's length with every copy, decoded string and unpacked value before allocating
   * it (and with each reference later stages will do work for), so a file whose entries alias
   * one region costs what the aliases would cost as separate data, and past
   * `modelMemoryLimit(bytes.length)` is refused with the budget's ModelFormatError. `context`
   * carries what the host offers besides the bytes (external tensor data: external-data.ts).
   */
  read(bytes: Uint8Array, fileName: string, context?: ModelReadContext): M;
  /** The format-neutral summary; `sizeBytes` is the size of the file as read. */
  inspect(model: M, sizeBytes: number): InspectReport;
  /** Serialises the model; formats Lowbit only reads leave it out. */
  write?(model: M): Uint8Array;
  /** The TFLite model to run, optimize and deploy; formats that cannot be lowered leave it out. */
  toTflite?(model: M): TflModel;
  /** What the lowering did, node by node (formats that lower; the wizard's "convert" step shows it). */
  conversionReport?(model: M): ConversionReport;
  /**
   * The graph view's op details: operator `operator` of subgraph `subgraph` (the InspectReport's
   * indices) by its options in the format's words (stride, padding, fused activation; ONNX
   * attributes). Formats without options leave it out.
   */
  opAttributes?(model: M, subgraph: number, operator: number): OpAttribute[];
  /**
   * The stored values of a constant tensor (InspectReport indices), one number per element, as
   * stored (quantized values are not dequantized here: graph-details.ts does that for every
   * format); null for activations and types without one number per element.
   */
  constantValues?(model: M, subgraph: number, tensor: number): ConstantValues | null;
}
