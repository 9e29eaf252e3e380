/** A model file's size and its gzip -9 size (what pruning and clustering buy shows in the latter). */
import { gzipSync } from 'fflate';

export interface SizeReport {
  bytes: number;
  /**
   * gzip -9 size. Pruning and clustering do not shrink the .tflite itself (dense tensors keep
   * their length) but make it compress far better: this is where their gain shows.
   */
  gzipBytes: number;
}

export function measureSize(fileBytes: Uint8Array): SizeReport {
  return { bytes: fileBytes.length, gzipBytes: gzipSync(fileBytes, { level: 9, mtime: 0 }).length };
}
