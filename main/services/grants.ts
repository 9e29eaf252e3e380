/**
 * The grant store: which paths an API caller (the renderer over Electron IPC, a page over
 * `lowbit serve`'s WebSocket) may read and write. The caller is trusted no more than a web page,
 * so a path it sends is only a name for something the user already chose:
 *
 *  - **read grants** — a file or folder the user picked: the Open and dataset dialogs, a drop
 *    onto the window, the File menu, the command line, Open Recent (the recent list is the
 *    user's earlier choices, so it is granted at start-up), and main's own choices (the bundled
 *    demo). A folder grant covers everything under it.
 *  - **write grants** — a file the user picked in a Save dialog: it may be replaced.
 *  - **allowed folders** (`lowbit serve --allow DIR`, default the working directory): anything
 *    under them may be read, and *new* files may be written there, never over an existing one.
 *
 * Every check happens before the file system is touched for the caller's sake and compares the
 * real path (symlinks resolved, `..` folded) with the real paths of the grants, so neither `..`
 * nor a symlink leads out. A path outside the grants gets one error, the same whether or not it
 * exists, so the API cannot be used to probe the disk.
 *
 * To give the user a new way to choose a file (a new dialog, a new drop target), call
 * `grantRead`/`grantWrite` in main where the choice is made; never from a caller's argument.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DeviceNotFoundError, InvalidArgumentError } from '../engine/errors';
import { isInside } from '../files/inside';

export interface GrantOptions {
  /** Folders the user named when starting the server (`lowbit serve --allow`); none in Electron. */
  allowedFolders?: readonly string[];
}

/** Where a write may go, once `checkWrite` accepted it. */
export interface WriteTarget {
  /** The path to write (resolved, as the caller's path named it). */
  path: string;
  /** True when the user picked this very file in a Save dialog: replacing it is their choice. */
  mayReplace: boolean;
}

export class Grants {
  private readonly folders: string[];
  private readonly readable = new Set<string>();
  private readonly writable = new Set<string>();

  constructor(opts: GrantOptions = {}) {
    this.folders = (opts.allowedFolders ?? []).map(realPath);
  }

  /** The folders new files may go into and anything may be read from (real paths). */
  allowedFolders(): readonly string[] {
    return this.folders;
  }

  /** The user chose this file or folder (or main did, for the bundled demo): it may be read. */
  grantRead(p: string): void {
    this.readable.add(realPath(p));
  }

  /** The user picked this file in a Save dialog: it may be written, replacing it. */
  grantWrite(p: string): void {
    this.writable.add(realPath(p));
  }

  /** The resolved path to read, or the one refusal for anything outside the grants. */
  checkRead(p: string): string {
    const real = realPath(p);
    const granted =
      this.readable.has(real) ||
      this.writable.has(real) ||
      [...this.readable, ...this.folders].some((root) => isInside(real, root));
    if (!granted) throw this.refusal(p);
    return path.resolve(p);
  }

  /** Where a write may go: a file picked in a Save dialog, or a new file under an allowed folder. */
  checkWrite(p: string): WriteTarget {
    const real = realPath(p);
    if (this.writable.has(real)) return { path: path.resolve(p), mayReplace: true };
    if (this.folders.some((root) => isInside(real, root) && real !== root))
      return { path: path.resolve(p), mayReplace: false };
    throw this.refusal(p);
  }

  /** A folder new files may be created in (a UF2 drive given by path): under an allowed folder. */
  checkFolderForNewFiles(dir: string): string {
    const real = realPath(dir);
    if (!this.folders.some((root) => isInside(real, root))) throw this.refusal(dir);
    return path.resolve(dir);
  }

  /** One message whether or not `p` exists: the error must not tell the caller anything about it. */
  private refusal(p: string): InvalidArgumentError {
    const how =
      this.folders.length > 0
        ? `lowbit serve reaches only files under ${this.folders.join(', ')} (--allow DIR adds a folder)`
        : 'choose it with a dialog, drop it on the window or open it from the File menu';
    return new InvalidArgumentError(`${p}: not a file or folder you chose: ${how}`);
  }
}

/**
 * A serial port named by an API caller (deploy.flash's `port`) must be a character device (a tty,
 * not a file): anything else gets the same DEVICE_NOT_FOUND whether it exists or not, so the
 * flash job cannot be used to probe the disk. Windows ports (COM3) are names, not files.
 */
export function checkSerialPort(port: string): void {
  if (process.platform === 'win32') return;
  let isDevice = false;
  try {
    isDevice = fs.statSync(port).isCharacterDevice();
  } catch {
    // missing: the same answer as a file
  }
  if (!isDevice)
    throw new DeviceNotFoundError(`${port}: no such serial port: choose one from the device list`);
}

/**
 * The real path of `p`: symlinks resolved in its longest existing prefix, `..` folded, the
 * missing rest appended (a file about to be created, or one that does not exist).
 */
export function realPath(p: string, depth = 0): string {
  let head = path.resolve(p);
  const missing: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(head), ...missing);
    } catch {
      // A dangling symlink still points somewhere: follow it, or it would lead out unseen.
      const link = readLink(head);
      if (link !== null && depth < MAX_LINK_DEPTH)
        return path.join(realPath(path.resolve(path.dirname(head), link), depth + 1), ...missing);
      const parent = path.dirname(head);
      if (parent === head) return path.join(head, ...missing);
      missing.unshift(path.basename(head));
      head = parent;
    }
  }
}

/** Symlink chains longer than this are loops (the OS gives up at 40). */
const MAX_LINK_DEPTH = 40;

function readLink(p: string): string | null {
  try {
    return fs.readlinkSync(p);
  } catch {
    return null;
  }
}
