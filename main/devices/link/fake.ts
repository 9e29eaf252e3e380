import { BufferedSerialLink, disconnected } from './byte-stream';

/**
 * An in-memory serial link for tests: two endpoints, bytes delivered asynchronously (as a wire
 * would), with faults injected at exact byte positions so every failure is reproducible.
 */
export interface FakeLinkFaults {
  /** The link drops once this many host→device bytes have been delivered (cable pulled). */
  dropAfterHostBytes?: number;
  /** XOR `mask` (default 0x01) into the host→device byte with this 0-based index, once. */
  corruptHostByte?: { index: number; mask?: number };
  /** Same for device→host bytes. */
  corruptDeviceByte?: { index: number; mask?: number };
  /** The device hears nothing (unpowered board, wrong port). */
  silent?: boolean;
  /** Whether the host end has DTR/RTS lines (default true). */
  signals?: boolean;
  /** Keep a copy of every host→device byte in stats.hostStream (to locate fault positions). */
  record?: boolean;
}

export interface FakeLinkStats {
  hostBytes: number;
  deviceBytes: number;
  signals: { dtr?: boolean; rts?: boolean }[];
  bauds: number[];
  hostStream: number[];
}

export class FakeEndpoint extends BufferedSerialLink {
  // A fake cable is plugged in from the start; open() only re-checks it.
  private open_ = true;
  peer!: FakeEndpoint;
  constructor(
    path: string,
    private readonly link: FakeLink,
    private readonly side: 'host' | 'device',
  ) {
    super(path);
  }
  get isOpen(): boolean {
    return this.open_ && !this.link.dropped;
  }
  async open(): Promise<void> {
    if (this.link.dropped) throw disconnected(this.path);
    this.open_ = true;
  }
  async write(bytes: Uint8Array): Promise<void> {
    if (!this.open_ || this.link.dropped) throw disconnected(this.path);
    this.link.transmit(this.side, bytes.slice());
  }
  async setSignals(s: { dtr?: boolean; rts?: boolean }): Promise<boolean> {
    if (this.link.faults.signals === false) return false;
    this.link.stats.signals.push({ ...s });
    return true;
  }
  async setBaud(baud: number): Promise<boolean> {
    this.link.stats.bauds.push(baud);
    return true;
  }
  async close(): Promise<void> {
    this.open_ = false;
    this.rx.fail(disconnected(this.path));
  }
  /** @internal */
  deliver(bytes: Uint8Array): void {
    this.rx.push(bytes);
  }
  /** @internal */
  fail(err: Error): void {
    this.rx.fail(err);
  }
}

export class FakeLink {
  readonly host: FakeEndpoint;
  readonly device: FakeEndpoint;
  readonly stats: FakeLinkStats = { hostBytes: 0, deviceBytes: 0, signals: [], bauds: [], hostStream: [] };
  dropped = false;

  constructor(public faults: FakeLinkFaults = {}) {
    this.host = new FakeEndpoint('fake:host', this, 'host');
    this.device = new FakeEndpoint('fake:device', this, 'device');
    this.host.peer = this.device;
    this.device.peer = this.host;
  }

  /** Pulls the cable now. */
  drop(): void {
    if (this.dropped) return;
    this.dropped = true;
    this.host.fail(disconnected(this.host.path, new Error('device unplugged')));
    this.device.fail(disconnected(this.device.path, new Error('host unplugged')));
  }

  /** @internal */
  transmit(from: 'host' | 'device', bytes: Uint8Array): void {
    const f = this.faults;
    const fromHost = from === 'host';
    const first = fromHost ? this.stats.hostBytes : this.stats.deviceBytes;
    let payload = bytes;
    let dropAfter = false;
    if (fromHost && f.dropAfterHostBytes !== undefined && first + bytes.length >= f.dropAfterHostBytes) {
      payload = bytes.subarray(0, Math.max(0, f.dropAfterHostBytes - first));
      dropAfter = true;
    }
    const c = fromHost ? f.corruptHostByte : f.corruptDeviceByte;
    if (c && c.index >= first && c.index < first + payload.length) payload[c.index - first] ^= c.mask ?? 0x01;
    if (fromHost && f.record) for (const b of payload) this.stats.hostStream.push(b);
    if (fromHost) this.stats.hostBytes += payload.length;
    else this.stats.deviceBytes += payload.length;
    const target = fromHost ? this.device : this.host;
    const deliver = !(fromHost && f.silent);
    // Delivered on a later turn of the event loop, like bytes crossing a wire.
    setImmediate(() => {
      if (this.dropped) return;
      if (deliver && payload.length) target.deliver(payload);
      if (dropAfter) this.drop();
    });
  }
}

export function createFakeLink(faults: FakeLinkFaults = {}): FakeLink {
  return new FakeLink(faults);
}
