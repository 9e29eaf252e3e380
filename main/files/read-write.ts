/**
 * File access for the outer layers (CLI, services, host). The engine never touches files.
 * Outputs are written atomically (temp file in the same folder, fsync, rename) and never over an
 * input: a crash or a cancel leaves either the old file or the complete new one, never half.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { InvalidArgumentError, IoError } from '../engine/errors';

export function readFileBytes(file: string): Uint8Array {
  try {
    const b = fs.readFileSync(file);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw ioError(file, e);
  }
}

export function ioError(file: string, e: unknown): IoError {
  const err = e as NodeJS.ErrnoException;
  const why =
    err.code === 'ENOENT'
      ? 'no such file'
      : err.code === 'EACCES' || err.code === 'EPERM'
        ? 'permission denied'
        : err.code === 'EISDIR'
          ? 'is a directory'
          : err.message;
  return new IoError(`${file}: ${why}`, { cause: e });
}

/** Same file on disk (following links), or both absent and the same path. */
export function sameFile(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

/**
 * Writes bytes to `file` atomically. `inputs` are paths that must never be overwritten
 * (the model being transformed, a dataset...).
 */
export function writeFileAtomic(file: string, data: Uint8Array | string, inputs: string[] = []): void {
  for (const input of inputs) {
    if (sameFile(file, input)) {
      throw new InvalidArgumentError(`refusing to overwrite the input ${input}: choose another output path`);
    }
  }
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw ioError(file, e);
  }
}
