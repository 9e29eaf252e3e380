import { DeviceDisconnectedError, DeviceProtocolError } from '../../engine/errors';
import type { UsbLink, UsbSetup } from './link';

/**
 * A UsbLink for tests that plays a script: each call must be the next step, with the same
 * setup packet (and the same bytes, when the step gives them), and gets the step's reply. A
 * call out of order fails at once, naming what was expected, so a protocol test reads as the
 * transcript of a session.
 */
export type UsbStep =
  | { kind: 'claim'; interfaceNumber: number }
  | { kind: 'release'; interfaceNumber: number }
  | { kind: 'controlIn'; setup: UsbSetup; reply: Uint8Array | 'stall' }
  | { kind: 'controlOut'; setup: UsbSetup; data?: Uint8Array; reply?: 'stall' }
  | { kind: 'bulkIn'; endpoint: number; reply: Uint8Array | 'stall' }
  | { kind: 'bulkOut'; endpoint: number; data?: Uint8Array; reply?: 'stall' }
  | { kind: 'reset' };

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const sameSetup = (a: UsbSetup, b: UsbSetup) =>
  a.requestType === b.requestType &&
  a.recipient === b.recipient &&
  a.request === b.request &&
  a.value === b.value &&
  a.index === b.index;

export class FakeUsbLink implements UsbLink {
  readonly path: string;
  private next = 0;
  private unplugged = false;

  constructor(
    private readonly script: readonly UsbStep[],
    readonly vid = 0x1209,
    readonly pid = 0x0001,
  ) {
    this.path = `fake-usb:${vid.toString(16)}:${pid.toString(16)}`;
  }

  /** Steps not played yet. */
  get remaining(): number {
    return this.script.length - this.next;
  }

  /** The device goes away: every later call fails with DeviceDisconnectedError. */
  unplug(): void {
    this.unplugged = true;
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    this.take('claim', (s) => s.interfaceNumber === interfaceNumber, `interface ${interfaceNumber}`);
  }
  async releaseInterface(interfaceNumber: number): Promise<void> {
    this.take('release', (s) => s.interfaceNumber === interfaceNumber, `interface ${interfaceNumber}`);
  }
  async controlIn(setup: UsbSetup, length: number): Promise<Uint8Array> {
    const s = this.take('controlIn', (x) => sameSetup(x.setup, setup), JSON.stringify(setup));
    return this.answer(s.reply, length);
  }
  async controlOut(setup: UsbSetup, data?: Uint8Array): Promise<number> {
    const sent = data ?? new Uint8Array(0);
    const s = this.take(
      'controlOut',
      (x) => sameSetup(x.setup, setup) && (x.data === undefined || same(x.data, sent)),
      `${JSON.stringify(setup)} with ${sent.length} byte(s)`,
    );
    if (s.reply === 'stall') throw this.stall();
    return sent.length;
  }
  async bulkIn(endpoint: number, length: number): Promise<Uint8Array> {
    const s = this.take('bulkIn', (x) => x.endpoint === endpoint, `endpoint ${endpoint}`);
    return this.answer(s.reply, length);
  }
  async bulkOut(endpoint: number, data: Uint8Array): Promise<number> {
    const s = this.take(
      'bulkOut',
      (x) => x.endpoint === endpoint && (x.data === undefined || same(x.data, data)),
      `endpoint ${endpoint} with ${data.length} byte(s)`,
    );
    if (s.reply === 'stall') throw this.stall();
    return data.length;
  }
  async reset(): Promise<void> {
    this.take('reset', () => true, 'port reset');
    this.unplugged = true;
  }
  async close(): Promise<void> {
    this.unplugged = true;
  }

  private take<K extends UsbStep['kind']>(
    kind: K,
    matches: (step: Extract<UsbStep, { kind: K }>) => boolean,
    got: string,
  ): Extract<UsbStep, { kind: K }> {
    if (this.unplugged) throw new DeviceDisconnectedError(`${this.path}: unplugged`);
    const step = this.script[this.next];
    if (!step || step.kind !== kind || !matches(step as Extract<UsbStep, { kind: K }>)) {
      const expected = step
        ? JSON.stringify(step, (_, v: unknown) => (v instanceof Uint8Array ? [...v] : v))
        : 'nothing';
      throw new DeviceProtocolError(
        `${this.path}: step ${this.next}: got ${kind} ${got}, expected ${expected}`,
      );
    }
    this.next++;
    return step as Extract<UsbStep, { kind: K }>;
  }

  private answer(reply: Uint8Array | 'stall', length: number): Uint8Array {
    if (reply === 'stall') throw this.stall();
    return reply.slice(0, length);
  }

  private stall(): DeviceProtocolError {
    return new DeviceProtocolError(`${this.path}: step ${this.next - 1}: the device answered stall`);
  }
}
