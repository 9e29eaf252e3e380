/**
 * The vocabulary of devices, as plain data: what a listing finds, what a flash is asked to do,
 * what it reports while working and when done. Pure types (plus the id lists they are built
 * from), so the board catalogue, the contract and the native code in main/devices share one
 * definition. The families themselves (detect, flash, verify) live in main/devices/families.ts.
 */

/**
 * Ids of the device families Lowbit can flash, one per folder or file in main/devices; the
 * catalogue's `deploy` lists name them. Add a family: its id here, its entry in families.ts.
 */
export const FLASH_FAMILY_IDS = ['esp32', 'stm32', 'uf2', 'dfuse', 'picoboot'] as const;
export type FlashFamilyId = (typeof FLASH_FAMILY_IDS)[number];

export const isFlashFamilyId = (s: string): s is FlashFamilyId =>
  (FLASH_FAMILY_IDS as readonly string[]).includes(s);

/**
 * Ids of the export formats (files to build into firmware or to copy by hand); the registry
 * with their builders is export-formats.ts.
 */
export const EXPORT_FORMAT_IDS = ['tflm', 'arduino', 'container', 'uf2', 'dfu'] as const;
export type ExportFormatId = (typeof EXPORT_FORMAT_IDS)[number];

/**
 * The export formats that need nothing but the model (what `lowbit export` and the app's Export
 * buttons offer); the others are flash images that also need a flash address (uf2, dfu).
 */
export type ModelExportFormatId = Exclude<ExportFormatId, 'uf2' | 'dfu'>;

/** A way to get a model onto a board: flash it with a family, or export files. */
export type DeployMethod = FlashFamilyId | ExportFormatId;
export const DEPLOY_METHODS: readonly DeployMethod[] = [
  ...new Set<DeployMethod>([...FLASH_FAMILY_IDS, ...EXPORT_FORMAT_IDS]),
];

/** How a family proves the flash holds the image. */
export type VerifyMethod = 'md5' | 'readback' | 'none';

export interface SerialPortEntry {
  path: string;
  vid?: number;
  pid?: number;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  /** Where the USB IDs came from ('simulated': LOWBIT_SIMULATED_SERIAL, for tests). */
  source: 'serialport' | 'sysfs' | 'serialport+sysfs' | 'simulated';
  /** Catalogue board ids whose USB IDs match (a guess: USB bridges are shared by many boards). */
  boards: string[];
}

export interface UsbDeviceEntry {
  vid: number;
  pid: number;
  bus: string;
  address: number;
  boards: string[];
  /**
   * Linux: whether this user may open it (its /dev/bus/usb node); 'denied' also adds a warning
   * naming the udev rule to install. Absent where that cannot be told.
   */
  access?: 'ok' | 'denied';
  /** A Coral USB Accelerator: 1a6e:089a still needs its firmware, 18d1:9302 has it. */
  coral?: 'needs-firmware' | 'ready';
  /** What Lowbit knows about this device and what it needs, in one line. */
  note?: string;
  /** Denied, for a device Lowbit talks to: the udev rule that grants access (99-lowbit.rules). */
  udevRule?: string;
  /** The families that would flash it, each with the target it takes and the board guess. */
  flashWith?: UsbFlashAction[];
}

/** One way to flash a listed USB device: `deploy.flash` with this protocol, port and board. */
export interface UsbFlashAction {
  family: FlashFamilyId;
  target: string;
  board?: string;
}

export interface DeviceList {
  serial: SerialPortEntry[];
  usb: UsbDeviceEntry[];
  /** What could not be listed and why (no udevadm, no USB permissions...). */
  warnings: string[];
}

/** What loading the Coral USB Accelerator's firmware did (`lowbit edgetpu firmware`, the app's job). */
export interface CoralFirmwareOutcome {
  /** 'already-loaded': the device was 18d1:9302 already; nothing was sent. */
  state: 'loaded' | 'already-loaded';
  bytes: number;
  retries: number;
  verifiedBy: 'readback' | 'none';
  ms: number;
}

/** What every flasher reports while it works. */
export interface FlashProgress {
  phase: 'connect' | 'erase' | 'write' | 'verify' | 'done';
  /** Bytes finished in this phase. */
  done: number;
  total: number;
  /** Bytes per second over the phase so far (0 until measurable). */
  bytesPerSec: number;
  /** Seconds left in this phase at the current rate (undefined until measurable). */
  etaSec: number | undefined;
}

export interface FlashParams {
  modelId: string;
  /** Serial port; for uf2 the BOOTSEL drive's mount point, or 'auto' to find the mounted one. */
  port: string;
  protocol: FlashFamilyId;
  /** ESP32: partition name (default from the board, else "model"). */
  partition?: string;
  /** Flash address; STM32 needs it or a board (never the firmware at 0x08000000 by default). */
  address?: number;
  baud?: number;
  board?: string;
}

export interface FlashOutcome {
  protocol: FlashFamilyId;
  chip: string;
  address: number;
  /** Container bytes written (the model plus Lowbit's 32-byte header). */
  bytes: number;
  modelBytes: number;
  retries: number;
  /** uf2: nothing reads the flash back; the boot ROM checks each block as it lands. */
  verifiedBy: VerifyMethod;
  ms: number;
  /** uf2: the file written onto the drive. */
  file?: string;
}
