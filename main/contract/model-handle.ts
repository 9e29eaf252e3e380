/** An open model as the UI knows it: an opaque id, its name and where it came from. */
import type { ModelFormatId } from '../engine/model/format-id';

export interface ModelHandle {
  /** Opaque id for later calls. */
  id: string;
  /** File name shown to the user. */
  name: string;
  /** Full path when opened from disk (Electron / CLI host), null when uploaded as bytes. */
  path: string | null;
  sizeBytes: number;
  format: ModelFormatId;
}
