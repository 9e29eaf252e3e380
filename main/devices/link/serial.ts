import { SerialPort } from 'serialport';
import { DeviceError, DeviceNotFoundError } from '../../engine/errors';
import { BufferedSerialLink, disconnected } from './byte-stream';

export interface SerialOptions {
  baud: number;
  /** AN3155 wants 'even'. Linux PTYs silently ignore parity, which is harmless for tests. */
  parity?: 'none' | 'even';
}

/** Errno codes a tty answers when it has no modem lines (PTYs: EINVAL or ENOTTY). */
const NO_LINES = /EINVAL|ENOTTY|Inappropriate ioctl|Invalid argument|not supported/i;

/** A SerialLink over node-serialport (its bundled prebuilt bindings). */
export class SerialTransport extends BufferedSerialLink {
  private port: SerialPort | undefined;
  private linesUnavailable = false;

  constructor(
    path: string,
    private readonly options: SerialOptions,
  ) {
    super(path);
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  /** True once setSignals found the link has no DTR/RTS. */
  get hasNoLines(): boolean {
    return this.linesUnavailable;
  }

  async open(): Promise<void> {
    this.rx.reset();
    const port = new SerialPort({
      path: this.path,
      baudRate: this.options.baud,
      dataBits: 8,
      stopBits: 1,
      parity: this.options.parity ?? 'none',
      autoOpen: false,
      // The bootloaders are driven by DTR/RTS resets; do not toggle them implicitly on open.
      hupcl: false,
    });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve()))).catch(
      (e: unknown) => {
        throw openError(this.path, e);
      },
    );
    port.on('data', (chunk: Buffer) =>
      this.rx.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
    );
    port.on('error', (e: Error) => this.rx.fail(disconnected(this.path, e)));
    port.on('close', () => this.rx.fail(disconnected(this.path)));
    this.port = port;
  }

  async write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw disconnected(this.path);
    await new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (e) => {
        if (e) return reject(disconnected(this.path, e));
        port.drain((e2) => (e2 ? reject(disconnected(this.path, e2)) : resolve()));
      });
    });
  }

  async setSignals(signals: { dtr?: boolean; rts?: boolean }): Promise<boolean> {
    const port = this.port;
    if (!port?.isOpen) throw disconnected(this.path);
    if (this.linesUnavailable) return false;
    try {
      await new Promise<void>((resolve, reject) => port.set(signals, (e) => (e ? reject(e) : resolve())));
      return true;
    } catch (e) {
      if (NO_LINES.test(String((e as Error)?.message ?? e))) {
        this.linesUnavailable = true;
        return false;
      }
      throw disconnected(this.path, e);
    }
  }

  async setBaud(baud: number): Promise<boolean> {
    const port = this.port;
    if (!port?.isOpen) throw disconnected(this.path);
    await new Promise<void>((resolve, reject) =>
      port.update({ baudRate: baud }, (e) => (e ? reject(disconnected(this.path, e)) : resolve())),
    );
    return true;
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

function openError(path: string, e: unknown): Error {
  const msg = String((e as Error)?.message ?? e);
  if (/ENOENT|No such file|cannot open/i.test(msg) && !/EACCES|denied/i.test(msg)) {
    return new DeviceNotFoundError(`${path}: no such serial port (${msg})`);
  }
  if (/EACCES|denied/i.test(msg)) {
    return new DeviceError(
      'DEVICE',
      `${path}: permission denied`,
      'add your user to the dialout group (then log in again) or fix the udev rule',
    );
  }
  if (/EBUSY|locked|Resource temporarily unavailable/i.test(msg)) {
    return new DeviceError(
      'DEVICE',
      `${path}: port is busy`,
      'close the serial monitor or other program using the port',
    );
  }
  return new DeviceError('DEVICE', `${path}: cannot open (${msg})`, 'check the port name and the cable');
}
