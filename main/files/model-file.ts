/**
 * Opening a model file from disk: the one loader the CLI, the services and the devices share.
 * Reading is here (Node), external tensor data beside the model too (external-data.ts); finding
 * the format and parsing is the engine's `openModel`.
 */
import { openModel, readModel, type OpenedModel, type ReadModel } from '../engine/model/registry';
import { externalDataBeside } from './external-data';
import { readFileBytes } from './read-file';

export interface OpenedModelFile extends OpenedModel {
  /** The file's bytes as read. */
  bytes: Uint8Array;
}

/** Reads and opens a model file; every failure (IO, format, lowering) names the file. */
export function openModelFile(file: string): OpenedModelFile {
  const bytes = readFileBytes(file, 'model');
  return { ...openModel(bytes, file, { externalData: externalDataBeside(file) }), bytes };
}

/** Reads a model file without lowering it to TFLite (to inspect it); failures name the file. */
export function readModelFile(file: string): ReadModel & { bytes: Uint8Array } {
  const bytes = readFileBytes(file, 'model');
  return { ...readModel(bytes, file, { externalData: externalDataBeside(file) }), bytes };
}
