import { InvalidArgumentError } from '../engine/errors';
import { buildContainer } from '../engine/deploy/container';
import { openModelFile } from '../files/model-file';

/** Reads a model file, checks it parses, and wraps it in the flashing container. Errors name the file. */
export function readModelContainer(file: string): { model: Uint8Array; image: Uint8Array } {
  const { bytes } = openModelFile(file);
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
