import fs from 'node:fs';
import { IoError, InvalidArgumentError, LowbitError, ModelFormatError } from '../engine/errors';
import { buildContainer } from '../engine/deploy/container';
import { readTflite } from '../engine/tflite/reader';

/** Reads a .tflite, checks it parses, and wraps it in the flashing container. Errors name the file. */
export function readModelContainer(file: string): { model: Uint8Array; image: Uint8Array } {
  let bytes: Uint8Array;
  try {
    const b = fs.readFileSync(file);
    bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new IoError(`${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { cause: e });
  }
  try {
    readTflite(bytes);
  } catch (e) {
    if (e instanceof LowbitError && e.code !== 'MODEL_FORMAT') throw e;
    throw new ModelFormatError(`${file}: not a TFLite model (${(e as Error).message})`, { cause: e });
  }
  return { model: bytes, image: buildContainer(bytes) };
}

/** "0x08020000", "08020000h" or decimal → number; anything else is a usage error. */
export function parseAddress(text: string, what = 'address'): number {
  const t = text.trim().toLowerCase();
  let n = NaN;
  if (/^0x[0-9a-f]{1,8}$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^[0-9a-f]{1,8}h$/.test(t)) n = parseInt(t.slice(0, -1), 16);
  else if (/^[0-9]{1,10}$/.test(t)) n = Number(t);
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError(`${what} "${text}" is not a 32-bit number (use hex like 0x08020000)`);
  return n;
}
