import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Uf2Family } from '../../engine/deploy/uf2';

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
    text = fs.readFileSync(path.join(mount, 'INFO_UF2.TXT'), 'utf8');
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

/** Copies the image onto the drive; the ROM reboots the chip once the last block lands. */
export function copyToUf2Drive(drive: Uf2Drive, fileName: string, bytes: Uint8Array): string {
  const target = path.join(drive.mount, fileName);
  fs.writeFileSync(target, bytes);
  return target;
}
