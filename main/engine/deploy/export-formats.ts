/**
 * Export formats: the files that carry a model to a board when Lowbit does not flash it itself.
 * One entry per format; `lowbit export`, `lowbit uf2`, `lowbit flash` (saving a UF2 image when
 * no drive is mounted) and the app's deploy.export all build through exportModel.
 *
 * Add a format: its id in device-types.ts EXPORT_FORMAT_IDS, its entry here (the record type
 * makes a missing entry a compile error), and list it in the `deploy` of the boards it reaches.
 */
import { InvalidArgumentError } from '../errors';
import type { TflModel } from '../tflite/model';
import { readTflite } from '../tflite/reader';
import { exportArduinoLibrary } from './arduino';
import { buildContainer, CONTAINER_C_SNIPPET } from './container';
import type { ExportFormatId, ModelExportFormatId } from './device-types';
import { estimateFootprint, type ModelFootprintFacts } from './fit';
import { footprintFacts } from './footprint-facts';
import { exportTflm, type ExportedFile } from './tflm-export';
import { UF2_FAMILIES, buildUf2, type Uf2Family } from './uf2';
import { checkFileBaseName } from './c-names';
import { buildDfuseFile } from './dfu-file';

export interface ExportInput {
  /** The .tflite file as is. */
  bytes: Uint8Array;
  /** The parsed model; read from `bytes` when absent (only the TFLM formats need it). */
  model?: TflModel;
  /** Footprint facts when the caller has them already (they cost an arena plan). */
  facts?: ModelFootprintFacts;
  /** Base name of the files (a C identifier for the TFLM formats). */
  baseName: string;
  /** Source file name, quoted in generated comments. */
  sourceName: string;
  /** uf2 only: where the container goes in flash and which family tags the blocks. */
  uf2?: { address: number; family: Uf2Family };
  /** dfu only: where the container goes in the STM32's flash (DfuSe alternate setting 0). */
  dfu?: { address: number };
}

export interface ExportOutput {
  /** The deliverables (what the app offers to save). */
  files: ExportedFile[];
  /** Sources that help use them on the device (the CLI writes these beside the files). */
  helpers: ExportedFile[];
}

export interface ExportFormat {
  id: ExportFormatId;
  label: string;
  /** A flash image: needs a flash address as well as the model (not offered as a plain export). */
  needsFlashAddress?: true;
  build(input: ExportInput): ExportOutput;
}

function factsOf(input: ExportInput): ModelFootprintFacts {
  return input.facts ?? footprintFacts(input.model ?? readTflite(input.bytes), input.bytes.length);
}

function tflmParts(input: ExportInput) {
  const facts = factsOf(input);
  const opts = { baseName: input.baseName, sourceName: input.sourceName };
  return { ops: facts.ops, estimate: estimateFootprint(facts), opts };
}

export const EXPORT_FORMATS: { readonly [F in ExportFormatId]: ExportFormat & { id: F } } = {
  tflm: {
    id: 'tflm',
    label: 'TensorFlow Lite Micro sources (model array, op resolver, arena size)',
    build(input) {
      const { ops, estimate, opts } = tflmParts(input);
      return { files: exportTflm(input.bytes, ops, estimate, opts), helpers: [] };
    },
  },
  arduino: {
    id: 'arduino',
    label: 'Arduino library (zip)',
    build(input) {
      const { ops, estimate, opts } = tflmParts(input);
      const { zip } = exportArduinoLibrary(input.bytes, ops, estimate, opts);
      return { files: [{ path: `${input.baseName}_arduino.zip`, contents: zip }], helpers: [] };
    },
  },
  container: {
    id: 'container',
    label: "Lowbit's flashable container (.lbm)",
    build(input) {
      return {
        files: [{ path: `${input.baseName}.lbm`, contents: buildContainer(input.bytes) }],
        helpers: [{ path: 'lowbit_container.h', contents: CONTAINER_C_SNIPPET }],
      };
    },
  },
  uf2: {
    id: 'uf2',
    label: 'UF2 image of the container (RP2040 / RP2350 BOOTSEL drives)',
    needsFlashAddress: true,
    build(input) {
      if (!input.uf2) throw new InvalidArgumentError('a UF2 image needs a flash address');
      const { address, family } = input.uf2;
      const uf2 = buildUf2(buildContainer(input.bytes), address, UF2_FAMILIES[family]);
      return { files: [{ path: `${input.baseName}.uf2`, contents: uf2 }], helpers: [] };
    },
  },
  dfu: {
    id: 'dfu',
    label: 'DfuSe .dfu file of the container (dfu-util -a 0 -D, STM32 system bootloader)',
    needsFlashAddress: true,
    build(input) {
      if (!input.dfu) throw new InvalidArgumentError('a .dfu file needs a flash address');
      const elements = [{ address: input.dfu.address, data: buildContainer(input.bytes) }];
      const dfu = buildDfuseFile([{ alternateSetting: 0, name: 'Internal Flash', elements }]);
      return { files: [{ path: `${input.baseName}.dfu`, contents: dfu }], helpers: [] };
    },
  },
};

export function isExportFormatId(s: string): s is ExportFormatId {
  return Object.hasOwn(EXPORT_FORMATS, s);
}

/** The formats that need nothing but the model, in registry order. */
export const MODEL_EXPORT_FORMAT_IDS = (Object.keys(EXPORT_FORMATS) as ExportFormatId[]).filter(
  (id) => !EXPORT_FORMATS[id].needsFlashAddress,
) as ModelExportFormatId[];

export function isModelExportFormatId(s: string): s is ModelExportFormatId {
  return (MODEL_EXPORT_FORMAT_IDS as readonly string[]).includes(s);
}

/** Builds a format's files; the base name must have an identifier's shape (checkFileBaseName). */
export function exportModel(format: ExportFormatId, input: ExportInput): ExportOutput {
  checkFileBaseName(input.baseName);
  return EXPORT_FORMATS[format].build(input);
}

/** A base name for a model's files from its file name: an identifier's shape, "model" if nothing is left. */
export function exportBaseName(modelName: string): string {
  const stem = modelName.replace(/\.tflite$/i, '').replace(/[^A-Za-z0-9_]/g, '_') || 'model';
  return /^[A-Za-z_]/.test(stem) ? stem : `m_${stem}`;
}
