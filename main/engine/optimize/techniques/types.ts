/**
 * What a post-training technique is: an id, words for people, the data it needs, the options it
 * takes and a runner. Each technique is one file in this folder exporting a `TechniqueDefinition`;
 * registry.ts lists them. The advisor, the CLI, the contract and the app read the registry, so
 * adding a technique means writing its file and adding one line to the registry.
 */
import type { TflModel } from '../../tflite/model';
import type { ModelInputs } from '../../tensor/model-inputs';
import type { CalibrationMethod, Range } from '../calibrate/index';
import type { ModelIo } from '../full-integer-types';
import type { KeepFloatRule } from '../keep-float';
import type { ProgressFn, QuantizeResult } from '../types';
import type { SamplePool } from '../../interpreter/sample-pool';

export type { ModelIo };

/** The data a technique needs: nothing, or an unlabelled sample of typical inputs to calibrate on. */
export type TechniqueNeeds = 'none' | 'calibration-sample';

/** Every option a technique may take; each definition lists the ones it reads. */
export interface TechniqueOptions {
  /** Representative samples (one Float32Array per model input), for 'calibration-sample' techniques. */
  samples?: readonly ModelInputs[];
  /** Model input/output type (full-integer techniques); 'float' keeps float edges. */
  io?: ModelIo;
  /** How activation ranges are calibrated. */
  method?: CalibrationMethod;
  /** Percentile for the 'percentile' calibration method. */
  percentile?: number;
  /** Per-tensor weights for every op (default: per channel). */
  perTensor?: boolean;
  /**
   * Per-tensor FULLY_CONNECTED weights only (conv stays per channel): what older converters
   * wrote and what runtimes without per-channel FC (Arm NN 20.08, older TFLite Micro) accept.
   */
  perTensorFullyConnected?: boolean;
  /** Ops and tensors kept in float. */
  keepFloat?: KeepFloatRule[];
  /** Weights with fewer elements stay float (default 1024, as LiteRT). */
  minElements?: number;
  /** Fail, listing every op without an integer kernel, instead of keeping them float. */
  strict?: boolean;
  /** The real range each model input is expected to have (e.g. from the preprocessing). */
  expectedInputRanges?: (Range | null)[];
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** Threads to calibrate on (the model is identical to one thread's); techniques that run no samples ignore it. */
  pool?: SamplePool;
}

/** The names of the options a technique can declare (signal, progress and pool are always accepted). */
export type TechniqueOption = Exclude<keyof TechniqueOptions, 'signal' | 'onProgress' | 'pool'>;

/**
 * Where a model runs: cpu = desktop/mobile CPU, gpu = mobile GPU delegate, edgetpu = Coral Edge
 * TPU, mcu = microcontroller (TFLite Micro), dsp = Hexagon-class DSP/NPU.
 */
export type DeployTarget = 'cpu' | 'gpu' | 'edgetpu' | 'mcu' | 'dsp';

export type Risk = 'low' | 'medium' | 'high';

/** Speed relative to the float32 model on the same target; null bounds mean "no reliable figure". */
export interface SpeedEffect {
  min: number | null;
  max: number | null;
  note: string;
}

/**
 * What the advisor needs to know about a technique's result, from TFLite's post-training
 * quantization guide. Speed-ups are against the float32 model on the same target.
 */
export interface TechniqueAdvice {
  /** The title of a plan step. */
  title: string;
  /** For sentences ("the int8 model needs…"). */
  shortName: string;
  /** In-memory size of the float weights after the technique, relative to float32. */
  weightRatio: { min: number; max: number };
  /** Bytes per activation element at run time, relative to float32's 4 (null = unchanged). */
  activationBytes: { min: number; max: number } | null;
  risk: Risk;
  /** Targets that can run the result. */
  deployableOn: readonly DeployTarget[];
  speedOn(target: DeployTarget): SpeedEffect;
}

export interface TechniqueDefinition<Id extends string = string> {
  /** Stable, machine-readable id (CLI `--technique`, IPC, file names). Never rename one. */
  id: Id;
  /** Short words for people: "full integer int8". */
  label: string;
  /** One line saying what the technique does. */
  summary: string;
  /** Other spellings accepted where people type the id (e.g. a pipeline spec). */
  aliases?: readonly string[];
  needs: TechniqueNeeds;
  /** The options the runner reads; others are ignored (io, strict and keepFloat are refused). */
  options: readonly TechniqueOption[];
  advice: TechniqueAdvice;
  /** Returns a new model; the input model is never modified. */
  run(model: TflModel, options: TechniqueOptions): Promise<QuantizeResult> | QuantizeResult;
}
