/**
 * Links: how Lowbit talks to a device. Protocols (ESP32 ROM loader, STM32 bootloader, and
 * later DFU or PICOBOOT) only see these interfaces, so they run unchanged over real hardware,
 * a PTY pair, or an in-memory fake.
 *
 * - SerialLink: a byte stream with modem lines (serial.ts over node-serialport; fake.ts).
 * - UsbLink: one opened USB device: claim an interface, control transfers, bulk transfers on
 *   endpoints (usb.ts over the `usb` package's WebUSB-style API; fake-usb.ts serves a script).
 * A mass-storage drive needs no link object: it is a mounted folder (see ../uf2/drive.ts).
 *
 * Add a link kind: declare its interface here, implement it in its own file beside a fake.
 */

/** The kinds of link a device family can use (families.ts names one per family). */
export type LinkKind = 'serial' | 'usb' | 'drive';

/**
 * One byte-level serial link to a board.
 *
 * Reads never hang: every read has a timeout and fails with DeviceTimeoutError. A link that
 * goes away (unplugged adapter, closed peer) fails every pending and later call with
 * DeviceDisconnectedError.
 */
export interface SerialLink {
  readonly path: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  /** Exactly n bytes, or DeviceTimeoutError when they do not all arrive within timeoutMs. */
  read(n: number, timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array>;
  /** Bytes up to and including the first `delimiter`. */
  readUntil(delimiter: number, timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array>;
  /** Whatever is buffered (at least one byte), waiting up to timeoutMs for the first byte. */
  readSome(timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array>;
  write(bytes: Uint8Array): Promise<void>;
  /**
   * Drives the modem lines. Returns false when the link has none (PTYs, some adapters answer
   * EINVAL/ENOTTY): reset strategies then skip themselves instead of failing.
   */
  setSignals(signals: { dtr?: boolean; rts?: boolean }): Promise<boolean>;
  /** Changes the line speed; returns false when the link has no notion of baud (fake link). */
  setBaud(baud: number): Promise<boolean>;
  /** Drops everything received but not yet read (stale replies before a resync). */
  discardInput(): void;
  close(): Promise<void>;
}

/** Opens a serial link (tests pass one that returns a fake or a PTY link). */
export type OpenSerialLink = (port: string, baud: number, parity: 'none' | 'even') => Promise<SerialLink>;

/** The setup packet of a control transfer (USB 2.0 section 9.3), as WebUSB spells it. */
export interface UsbSetup {
  requestType: 'standard' | 'class' | 'vendor';
  recipient: 'device' | 'interface' | 'endpoint' | 'other';
  request: number;
  value: number;
  index: number;
}

/**
 * One opened USB device. Transfers fail with DeviceProtocolError when the device stalls and
 * DeviceDisconnectedError once it is gone; a device that re-enumerates (DFU firmware load)
 * needs a new link.
 */
export interface UsbLink {
  readonly vid: number;
  readonly pid: number;
  /** Where it is plugged in ("bus-port.port"), for messages. */
  readonly path: string;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  /** Device-to-host control transfer; resolves to the bytes the device sent (≤ length). */
  controlIn(setup: UsbSetup, length: number): Promise<Uint8Array>;
  /** Host-to-device control transfer; resolves to the byte count the device accepted. */
  controlOut(setup: UsbSetup, data?: Uint8Array): Promise<number>;
  /** Bulk IN on endpoint number `endpoint` (1-15, without the direction bit). */
  bulkIn(endpoint: number, length: number): Promise<Uint8Array>;
  /** Bulk OUT on endpoint number `endpoint`; resolves to the byte count written. */
  bulkOut(endpoint: number, data: Uint8Array): Promise<number>;
  /**
   * USB port reset (DFU: leave the loader, Coral: boot the loaded firmware). The device may
   * re-enumerate with other IDs: the link is unusable afterwards.
   */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the first USB device with this VID:PID (tests pass one over a fake bus). */
export type OpenUsbLink = (vid: number, pid: number) => Promise<UsbLink>;
