/**
 * Opening a model file from disk: the one loader the CLI, the services and the devices share.
 * Reading is here (Node); finding the format and parsing is the engine's `openModel`.
 */
import { openModel, type OpenedModel } from '../engine/model/registry';
import { readFileBytes } from './read-file';

export interface OpenedModelFile extends OpenedModel {
  /** The file's bytes as read. */
  bytes: Uint8Array;
}

/** Reads and opens a model file; every failure (IO, format, lowering) names the file. */
export function openModelFile(file: string): OpenedModelFile {
  const bytes = readFileBytes(file, 'model');
  return { ...openModel(bytes, file), bytes };
}
