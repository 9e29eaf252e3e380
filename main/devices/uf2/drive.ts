import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Uf2Family } from '../../engine/deploy/uf2';
import { InvalidArgumentError } from '../../engine/errors';
import { readFileText } from '../../files/read-file';
import { ioError } from '../../files/write-file';

/**
 * RP2040 / RP2350 BOOTSEL mass-storage drives. The boot ROM's drive holds INFO_UF2.TXT with a
 * "Board-ID:" line (RPI-RP2 on RP2040, RP2350 on RP2350); copying a .uf2 onto it flashes it.
 */
export interface Uf2Drive {
  mount: string;
  boardId: string;
  model: string;
  family: 'rp2040' | 'rp2350' | 'unknown';
}

function candidates(): string[] {
  const out = new Set<string>();
  try {
    for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const mount = line.split(' ')[1];
      // /proc/mounts escapes spaces as \040
      if (mount) out.add(mount.replace(/\\040/g, ' '));
    }
  } catch {
    // not Linux: fall through to the usual automount folders
  }
  const user = os.userInfo().username;
  for (const dir of [`/media/${user}`, `/run/media/${user}`, '/Volumes', '/media']) {
    try {
      for (const e of fs.readdirSync(dir)) out.add(path.join(dir, e));
    } catch {
      // folder absent or unreadable
    }
  }
  return [...out];
}

export function readUf2Info(mount: string): Uf2Drive | undefined {
  let text: string;
  try {
    text = readFileText(path.join(mount, 'INFO_UF2.TXT'), 'smallText');
  } catch {
    return undefined;
  }
  const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(text)?.[1].trim() ?? '';
  const boardId = field('Board-ID');
  const family = /RPI-RP2/i.test(boardId) ? 'rp2040' : /RP2350/i.test(boardId) ? 'rp2350' : 'unknown';
  return { mount, boardId, model: field('Model'), family };
}

/** Mounted UF2 drives, optionally searching only the given mount points (tests). */
export function findUf2Drives(mounts: string[] = candidates()): Uf2Drive[] {
  return mounts.map(readUf2Info).filter((d): d is Uf2Drive => d !== undefined);
}

/** Which drive family takes blocks of this UF2 family (undefined: any drive). */
export function driveFamilyFor(family: Uf2Family | undefined): Uf2Drive['family'] | undefined {
  return family === 'rp2040' ? 'rp2040' : family === 'rp2350-arm-s' ? 'rp2350' : undefined;
}

/** The first mounted drive that takes blocks of this UF2 family (any drive for the others). */
export function findUf2DriveFor(family: Uf2Family | undefined, mounts?: string[]): Uf2Drive | undefined {
  const want = driveFamilyFor(family);
  return findUf2Drives(mounts).find((d) => want === undefined || d.family === want);
}

/** The file name on the drive: a plain base name (no folder, not hidden), safe on FAT. */
export function uf2DriveFileName(fileName: string): string {
  const name = path
    .basename(fileName.replace(/\\/g, '/'))
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[.]+/, '');
  return name || 'model.uf2';
}

/**
 * Copies the image onto the drive; the ROM reboots the chip once the last block lands. Written in
 * place, not through a temp file and a rename: the ROM flashes blocks as they arrive and reboots
 * after the last, so a rename would come too late. The name cannot leave the drive's folder, and
 * a symbolic link at the name is refused (O_NOFOLLOW where the platform has it), never written
 * through.
 */
export function copyToUf2Drive(drive: Uf2Drive, fileName: string, bytes: Uint8Array): string {
  const mount = path.resolve(drive.mount);
  const target = path.join(mount, uf2DriveFileName(fileName));
  if (path.dirname(target) !== mount)
    throw new InvalidArgumentError(`${fileName}: not a file name on the drive`);
  if (fs.lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink())
    throw new InvalidArgumentError(`refusing to write ${target}: it is a symbolic link`);
  const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
  let fd: number | undefined;
  try {
    fd = fs.openSync(target, O_WRONLY | O_CREAT | O_TRUNC | (O_NOFOLLOW ?? 0), 0o644);
    fs.writeFileSync(fd, bytes);
  } catch (e) {
    throw ioError(target, e);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return target;
}
