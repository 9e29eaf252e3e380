/**
 * File access for the outer layers (CLI, services, host). The engine never touches files.
 * Reading is read-file.ts (regular files only, size limits).
 * Outputs are written atomically (temp file in the same folder, fsync, rename) and never over an
 * input: a crash or a cancel leaves either the old file or the complete new one, never half.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { InvalidArgumentError, IoError } from '../engine/errors';

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

/**
 * Same file on disk: the same inode (a hard link or a symbolic link to it counts), else the same
 * real path (both absent).
 */
export function sameFile(a: string, b: string): boolean {
  const id = (p: string) => {
    try {
      const st = fs.statSync(p);
      return `${st.dev}:${st.ino}`;
    } catch {
      return undefined;
    }
  };
  const ia = id(a);
  if (ia !== undefined && ia === id(b)) return true;
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
 * Refuses an output path Lowbit must not write: one of the inputs (by inode, so a hard or
 * symbolic link to an input counts), a symbolic link (never written through, never replaced: the
 * user names the real file), or anything that exists and is not a regular file.
 */
export function checkOutputPath(file: string, inputs: readonly string[] = []): void {
  for (const input of inputs) {
    if (sameFile(file, input)) {
      throw new InvalidArgumentError(`refusing to overwrite the input ${input}: choose another output path`);
    }
  }
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return; // absent: it will be created
  }
  if (st.isSymbolicLink())
    throw new InvalidArgumentError(
      `refusing to write ${file}: it is a symbolic link (Lowbit neither writes through nor replaces links): give the real path`,
    );
  if (!st.isFile())
    throw new InvalidArgumentError(`refusing to write ${file}: it exists and is not a regular file`);
}

/** Creates an output folder (and its parents); a failure is a one-line IoError naming it. */
export function makeOutputDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw ioError(dir, e);
  }
}

/**
 * Writes bytes to `file` atomically: a temp file created exclusively in the same folder, fsync,
 * rename over the target (which replaces the directory entry and never writes through a link).
 * `inputs` are paths that must never be overwritten (the model being transformed, a dataset...);
 * checkOutputPath says what else is refused.
 */
export function writeFileAtomic(
  file: string,
  data: Uint8Array | string,
  inputs: readonly string[] = [],
): void {
  checkOutputPath(file, inputs);
  const dir = path.dirname(path.resolve(file));
  // The temp name keeps at most 64 characters of the target's, so it fits wherever the target does.
  const tmp = path.join(
    dir,
    `.${path.basename(file).slice(0, 64)}.${crypto.randomBytes(6).toString('hex')}.tmp`,
  );
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
