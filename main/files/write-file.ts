/**
 * Writing files for the outer layers (CLI, services, host); the engine never touches files.
 * Reading is read-file.ts (regular files only, size limits).
 * Outputs are written atomically (temp file in the same folder, fsync, rename) and never over an
 * input: a crash or a cancel leaves either the old file or the complete new one, never half.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { InvalidArgumentError, IoError } from '../engine/errors';

/** What a failed file-system call means, in words, by its errno code. */
const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a folder on the path is a file',
  EEXIST: 'exists and is not a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'name too long',
  ENXIO: 'no such device (a socket or an unconnected device)',
  ELOOP: 'too many symbolic links',
};

/** An IoError naming `file` and what went wrong (the message never holds the file's contents). */
export function ioError(file: string, e: unknown): IoError {
  const err = e as NodeJS.ErrnoException;
  const why = (err.code && ERRNO_WORDS[err.code]) ?? err.message;
  return new IoError(`${file}: ${why}`, { cause: e });
}

/**
 * Creates the folder `dir` and its missing parents; an IoError naming `dir` (and the part of the
 * path at fault) when it cannot. One level at a time rather than mkdirSync's `recursive`, which
 * never returns on some pseudo file systems (/proc/x/y) and reports a file on the path vaguely.
 */
export function makeOutputDir(dir: string): void {
  const missing: string[] = [];
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(p);
    } catch (e) {
      // ENOTDIR: a file further up, found on a later round.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw ioError(dir, e);
    }
    if (stat?.isDirectory()) break;
    if (stat) throw new IoError(`${dir}: ${p} is a file, not a folder`);
    missing.push(p);
    if (path.dirname(p) === p) break;
  }
  for (const p of missing.reverse()) {
    try {
      fs.mkdirSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(p).isDirectory()) continue;
      throw ioError(dir, e);
    }
  }
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
    // Cleaning up is best effort: the error to report is the one that stopped the write.
    try {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
    } catch {
      // the temp file stays behind; its name starts with a dot and ends in .tmp
    }
    throw ioError(file, e);
  }
}
