/**
 * What a device family is: one way of getting a model image onto a device (a ROM loader over
 * serial, a bootloader over USB, a drive to copy onto). Each family lives in its own folder
 * (esp32/, stm32/, uf2/) and exports one DeviceFamily; families.ts lists them, and
 * flash-model.ts is the one dispatch the CLI and the services call.
 *
 * Add a family: a folder with its protocol and a `family.ts` implementing this interface, its
 * id in engine/deploy/device-types.ts FLASH_FAMILY_IDS, its line in families.ts, and its id in
 * the `deploy` list of the boards it flashes (assets/boards.json).
 */
import type { Board } from '../engine/deploy/boards';
import type {
  DeviceList,
  FlashFamilyId,
  FlashOutcome,
  FlashProgress,
  VerifyMethod,
} from '../engine/deploy/device-types';
import type { Uf2Family } from '../engine/deploy/uf2';
import type { LinkKind, OpenSerialLink, OpenUsbLink } from './link/link';
import type { Uf2Drive } from './uf2/drive';

/** What is plugged in, as families see it when they look for their devices. */
export interface FoundDevices extends DeviceList {
  drives: Uf2Drive[];
}

/** One flash, with everything resolved except the family's own defaults. */
export interface FamilyFlashRequest {
  /** The .tflite bytes. */
  model: Uint8Array;
  /** The model wrapped in Lowbit's container: what goes into flash. */
  image: Uint8Array;
  /** Base name for files the family writes (uf2: <baseName>.uf2 on the drive). */
  baseName: string;
  board?: Board;
  /** Serial port path; for drive families a mount point or 'auto'; USB: what the family's detect names, or 'auto'. */
  target: string;
  /** Line speed to connect at. */
  baud: number;
  /** ESP32: switch to this speed after connecting. */
  flashBaud?: number;
  /** ESP32: partition to write (default from the board, else "model"). */
  partition?: string;
  address?: number;
  /** ESP32: drive DTR/RTS into the loader and back out (false: the user holds BOOT). */
  reset: boolean;
  /** Attempts per block after the first. */
  retries?: number;
  /** uf2: block family (default from the board, else rp2040). */
  uf2Family?: Uf2Family;
  signal?: AbortSignal;
  onProgress?: (p: FlashProgress) => void;
  onLog?: (line: string) => void;
  openSerial: OpenSerialLink;
  /** USB families: opens a device by VID:PID (default: the `usb` package; tests pass a fake bus). */
  openUsb?: OpenUsbLink;
}

export interface DeviceFamily {
  id: FlashFamilyId;
  label: string;
  link: LinkKind;
  /** How a flash is checked before success is reported. */
  verify: VerifyMethod;
  capabilities: {
    /** Needs an explicit flash address (or a board that has one): no safe default exists. */
    needsAddress: boolean;
    /** Finds the model's place in a partition table on the device. */
    readsPartitionTable: boolean;
    /** Can reset the board into its loader by itself (DTR/RTS). */
    resetsBoard: boolean;
    /** Can raise the line speed after connecting. */
    changesBaud: boolean;
  };
  /** The ports or drives in a listing this family can flash (a guess from USB IDs and drives). */
  detect(found: FoundDevices): string[];
  flash(request: FamilyFlashRequest): Promise<Omit<FlashOutcome, 'modelBytes'>>;
}
