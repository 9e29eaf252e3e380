/**
 * One PICOBOOT session over a UsbLink (picotool's picoboot_connection, rewritten from the
 * datasheet): find the vendor interface (class 0xFF, one bulk IN and one bulk OUT endpoint),
 * claim it, reset it, then run commands: the 32-byte packet, the data phase, the zero-length
 * acknowledgement the other way. Every transfer has a timeout (WebUSB has none of its own).
 *
 * A failed transfer (a stall, a short transfer) is followed by the command-status request, so
 * the error names the ROM's own status (BAD_ALIGNMENT, INVALID_ADDRESS…) and the token is
 * checked: a status for another command is a protocol error too.
 */
import {
  CancelledError,
  DeviceDisconnectedError,
  DeviceError,
  DeviceProtocolError,
  DeviceTimeoutError,
  DeviceWrongChipError,
} from '../../engine/errors';
import type { UsbLink, UsbSetup } from '../link/link';
import { readConfigurationDescriptor, type UsbInterfaceDescriptor } from '../link/usb-descriptors';
import {
  ARGUMENT_BYTES,
  EXCLUSIVE,
  PC,
  PICOBOOT_IF_CMD_STATUS,
  PICOBOOT_IF_RESET,
  PICOBOOT_STATUS_BYTES,
  REBOOT2_FLAG_REBOOT_TYPE_NORMAL,
  decodeStatus,
  encodeCommand,
  isInCommand,
  picobootChipByIds,
  statusName,
  wordArgs,
  type PicobootChip,
  type PicobootCommandId,
} from './protocol';

/** Milliseconds each kind of transfer may take (picotool: 3 s command, 10 s data, 1 s status). */
export interface PicobootTimeouts {
  command: number;
  data: number;
  status: number;
}
export const DEFAULT_TIMEOUTS: PicobootTimeouts = { command: 3000, data: 10_000, status: 1000 };

/** The ROM's 64-byte bulk packets: the acknowledgement is read with room for one. */
const ACK_READ_BYTES = 64;

/** The PICOBOOT interface of a configuration, as picotool finds it. */
export function findPicobootInterface(interfaces: readonly UsbInterfaceDescriptor[]) {
  for (const i of interfaces) {
    if (i.interfaceClass !== 0xff || i.alternate !== 0) continue;
    const bulkIn = i.endpoints.find((e) => e.type === 'bulk' && e.direction === 'in');
    const bulkOut = i.endpoints.find((e) => e.type === 'bulk' && e.direction === 'out');
    if (bulkIn && bulkOut)
      return { interfaceNumber: i.number, inEndpoint: bulkIn.number, outEndpoint: bulkOut.number };
  }
  return undefined;
}

export class PicobootConnection {
  private token = 1;

  private constructor(
    readonly link: UsbLink,
    readonly chip: PicobootChip,
    private readonly interfaceNumber: number,
    private readonly inEndpoint: number,
    private readonly outEndpoint: number,
    private readonly timeouts: PicobootTimeouts,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Checks the IDs, finds and claims the PICOBOOT interface, and resets it. */
  static async open(
    link: UsbLink,
    opts: { timeouts?: PicobootTimeouts; signal?: AbortSignal } = {},
  ): Promise<PicobootConnection> {
    const hex = (n: number) => n.toString(16).padStart(4, '0');
    const chip = picobootChipByIds(link.vid, link.pid);
    if (!chip)
      throw new DeviceWrongChipError(
        `${link.path}: ${hex(link.vid)}:${hex(link.pid)} is not an RP2040 (2e8a:0003) or RP2350 (2e8a:000f) in BOOTSEL mode`,
        'hold BOOTSEL while plugging the board in',
      );
    const timeouts = opts.timeouts ?? DEFAULT_TIMEOUTS;
    const config = await within(
      readConfigurationDescriptor(link),
      timeouts.status,
      link,
      'configuration descriptor',
      opts.signal,
    );
    const found = findPicobootInterface(config.interfaces);
    if (!found)
      throw new DeviceWrongChipError(
        `${link.path}: no PICOBOOT interface (vendor class with two bulk endpoints) on this ${chip.name}`,
        'the boot ROM may have PICOBOOT disabled: use the UF2 drive instead',
      );
    await link.claimInterface(found.interfaceNumber);
    const c = new PicobootConnection(
      link,
      chip,
      found.interfaceNumber,
      found.inEndpoint,
      found.outEndpoint,
      timeouts,
      opts.signal,
    );
    await c.reset();
    return c;
  }

  /** Interface reset: clears stalled endpoints and the ROM's command state. */
  async reset(): Promise<void> {
    await this.wait(
      this.link.controlOut(this.setup(PICOBOOT_IF_RESET)),
      this.timeouts.status,
      'interface reset',
    );
  }

  async status() {
    const bytes = await this.wait(
      this.link.controlIn(this.setup(PICOBOOT_IF_CMD_STATUS), PICOBOOT_STATUS_BYTES),
      this.timeouts.status,
      'command status',
    );
    const s = decodeStatus(bytes);
    if (!s)
      throw new DeviceProtocolError(
        `${this.link.path}: command status of ${bytes.length} bytes (expected 16)`,
      );
    return s;
  }

  exclusiveAccess(mode: number = EXCLUSIVE.EXCLUSIVE): Promise<Uint8Array> {
    return this.command(PC.EXCLUSIVE_ACCESS, Uint8Array.of(mode));
  }
  exitXip(): Promise<Uint8Array> {
    return this.command(PC.EXIT_XIP, new Uint8Array(0));
  }
  flashErase(address: number, size: number): Promise<Uint8Array> {
    return this.command(PC.FLASH_ERASE, wordArgs(address, size));
  }
  write(address: number, data: Uint8Array): Promise<Uint8Array> {
    return this.command(PC.WRITE, wordArgs(address, data.length), data);
  }
  read(address: number, size: number): Promise<Uint8Array> {
    return this.command(PC.READ, wordArgs(address, size), size);
  }

  /**
   * Leaves BOOTSEL for the application in flash (RP2040: REBOOT with pc 0; RP2350: REBOOT2 type
   * normal) after `delayMs`. The ROM may drop off the bus before the acknowledgement arrives:
   * a device gone or silent after the command was sent counts as rebooted.
   */
  async reboot(delayMs = 100): Promise<void> {
    const args =
      this.chip.reboot === PC.REBOOT
        ? wordArgs(0, 0, delayMs)
        : wordArgs(REBOOT2_FLAG_REBOOT_TYPE_NORMAL, delayMs, 0, 0);
    try {
      await this.command(this.chip.reboot, args);
    } catch (e) {
      if (!(e instanceof DeviceDisconnectedError || e instanceof DeviceTimeoutError) || !this.commandSent)
        throw e;
    }
  }

  private commandSent = false;

  /**
   * One command: packet, data phase (`data` out, or `inLength` bytes in), acknowledgement.
   * Resolves to the bytes read (empty for OUT commands).
   */
  private async command(
    id: PicobootCommandId,
    args: Uint8Array,
    data?: Uint8Array | number,
  ): Promise<Uint8Array> {
    if (this.signal?.aborted) throw new CancelledError();
    if (args.length !== ARGUMENT_BYTES[id])
      throw new RangeError(
        `PICOBOOT command 0x${id.toString(16)} takes ${ARGUMENT_BYTES[id]} argument bytes`,
      );
    const inbound = isInCommand(id);
    const transferLength = typeof data === 'number' ? data : (data?.length ?? 0);
    const token = this.token++;
    const name = commandName(id);
    this.commandSent = false;
    const t = this.timeouts;
    let received: Uint8Array = new Uint8Array(0);
    try {
      await this.bulkOut(encodeCommand({ token, id, args, transferLength }), t.command, `${name} command`);
      this.commandSent = true;
      if (transferLength > 0) {
        if (inbound) {
          received = await this.wait(
            this.link.bulkIn(this.inEndpoint, transferLength),
            t.data,
            `${name} data`,
          );
          if (received.length !== transferLength)
            throw new DeviceProtocolError(
              `${this.link.path}: ${name} sent ${received.length} of ${transferLength} bytes`,
            );
        } else await this.bulkOut(data as Uint8Array, t.data, `${name} data`);
      }
      const ackTimeout = transferLength === 0 ? t.data : t.command;
      if (inbound)
        await this.wait(
          this.link.bulkOut(this.outEndpoint, new Uint8Array(0)),
          ackTimeout,
          `${name} acknowledgement`,
        );
      else {
        const ack = await this.wait(
          this.link.bulkIn(this.inEndpoint, ACK_READ_BYTES),
          ackTimeout,
          `${name} acknowledgement`,
        );
        if (ack.length !== 0)
          throw new DeviceProtocolError(
            `${this.link.path}: ${name} acknowledged with ${ack.length} bytes (expected none)`,
          );
      }
    } catch (e) {
      throw await this.explain(e, name, token);
    }
    return received;
  }

  /**
   * A stall or a short transfer: ask the ROM why (its status for our token), so the message
   * names BAD_ALIGNMENT or INVALID_ADDRESS rather than "stall". Timeouts, a vanished device and
   * a cancel pass through unchanged.
   */
  private async explain(e: unknown, name: string, token: number): Promise<unknown> {
    if (!(e instanceof DeviceProtocolError)) return e;
    let s;
    try {
      s = await this.status();
    } catch (statusError) {
      return statusError instanceof DeviceDisconnectedError ? statusError : e;
    }
    if (s.token !== token)
      return new DeviceProtocolError(
        `${this.link.path}: ${name} failed and the status answers token ${s.token} (sent ${token}): ${e.message}`,
      );
    if (s.code !== 0)
      return new DeviceProtocolError(`${this.link.path}: ${name} refused: ${statusName(s.code)}`);
    return e;
  }

  private async bulkOut(bytes: Uint8Array, timeoutMs: number, what: string): Promise<void> {
    const n = await this.wait(this.link.bulkOut(this.outEndpoint, bytes), timeoutMs, what);
    if (n !== bytes.length)
      throw new DeviceProtocolError(`${this.link.path}: ${what}: ${n} of ${bytes.length} bytes accepted`);
  }

  private wait<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    return within(p, ms, this.link, what, this.signal);
  }

  private setup(request: number): UsbSetup {
    return { requestType: 'vendor', recipient: 'interface', request, value: 0, index: this.interfaceNumber };
  }
}

const COMMAND_NAMES: Record<number, string> = Object.fromEntries(Object.entries(PC).map(([k, v]) => [v, k]));
const commandName = (id: number) => COMMAND_NAMES[id] ?? `command 0x${id.toString(16)}`;

/**
 * `p`, or DeviceTimeoutError after `ms`, or CancelledError on abort. The transfer itself cannot
 * be cancelled through WebUSB: callers recover by reopening the device (closing cancels it).
 */
function within<T>(p: Promise<T>, ms: number, link: UsbLink, what: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      done();
      reject(new DeviceTimeoutError(`${link.path}: no answer to the ${what} within ${ms} ms`));
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        done();
        resolve(v);
      },
      (e: unknown) => {
        done();
        reject(
          e instanceof DeviceError || e instanceof CancelledError
            ? e
            : new DeviceProtocolError(`${link.path}: ${what}: ${String(e)}`),
        );
      },
    );
  });
}
