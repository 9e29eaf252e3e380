import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root, and ../shared beside it (reference material for tests only). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = process.env.LOWBIT_SHARED ?? path.resolve(ROOT, '../shared');

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED, ...parts);
}

/** Every .tflite under shared/models/tflite-micro and shared/conformance, sorted. */
export function sharedModelPaths(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.tflite')) out.push(p);
    }
  };
  walk(sharedPath('models', 'tflite-micro'));
  walk(sharedPath('conformance'));
  return out.sort();
}

export function readBytes(p: string): Uint8Array {
  const b = fs.readFileSync(p);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
