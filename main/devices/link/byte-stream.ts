import { CancelledError, DeviceDisconnectedError, DeviceTimeoutError } from '../../engine/errors';
import type { SerialLink } from './link';

/**
 * What the byte-stream links share: the receive buffer readers wait on, the read methods
 * every SerialLink delegates to it, and the error a closed link gives.
 */

/**
 * Receive buffer shared by the serial links: producers push bytes or a failure, readers wait
 * with a timeout. Single reader at a time (protocols are strictly request/response).
 */
export class ReceiveBuffer {
  private buf = new Uint8Array(4096);
  private start = 0;
  private end = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly describe: string) {}

  get available(): number {
    return this.end - this.start;
  }

  push(bytes: Uint8Array): void {
    if (this.failure || bytes.length === 0) return;
    if (this.end + bytes.length > this.buf.length) {
      const live = this.end - this.start;
      const size = Math.max(this.buf.length, (live + bytes.length) * 2);
      if (size === this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const next = new Uint8Array(size);
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(bytes, this.end);
    this.end += bytes.length;
    this.notify();
  }

  /** Every pending and later read fails with `err` (after the buffered bytes are consumed). */
  fail(err: Error): void {
    if (!this.failure) this.failure = err;
    this.notify();
  }

  clear(): void {
    this.start = this.end = 0;
  }

  reset(): void {
    this.clear();
    this.failure = undefined;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private take(n: number): Uint8Array {
    const out = this.buf.slice(this.start, this.start + n);
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  /** Waits until `ready()` returns a count to take, or fails on timeout/abort/failure. */
  private async waitFor(
    ready: () => number,
    timeoutMs: number,
    what: string,
    signal?: AbortSignal,
  ): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const n = ready();
      if (n > 0) return this.take(n);
      if (this.failure) throw this.failure;
      if (signal?.aborted) throw new CancelledError();
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new DeviceTimeoutError(
          `${this.describe}: no reply within ${timeoutMs} ms (waiting for ${what}, have ${this.available} byte(s))`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        const onAbort = () => done();
        signal?.addEventListener('abort', onAbort, { once: true });
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
        this.wake = done;
      });
    }
  }

  read(n: number, timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (n === 0) return Promise.resolve(new Uint8Array(0));
    return this.waitFor(() => (this.available >= n ? n : 0), timeoutMs, `${n} byte(s)`, signal);
  }

  readUntil(delimiter: number, timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.waitFor(
      () => {
        const i = this.buf.subarray(this.start, this.end).indexOf(delimiter);
        return i < 0 ? 0 : i + 1;
      },
      timeoutMs,
      `byte 0x${delimiter.toString(16)}`,
      signal,
    );
  }

  readSome(timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.waitFor(() => this.available, timeoutMs, 'any byte', signal);
  }
}

/**
 * A SerialLink whose bytes arrive in a ReceiveBuffer (the real port and the fake): the read
 * side is written once here; subclasses push received bytes into `rx` and do the writing.
 */
export abstract class BufferedSerialLink implements SerialLink {
  protected readonly rx: ReceiveBuffer;
  constructor(readonly path: string) {
    this.rx = new ReceiveBuffer(path);
  }
  abstract readonly isOpen: boolean;
  abstract open(): Promise<void>;
  abstract write(bytes: Uint8Array): Promise<void>;
  abstract setSignals(signals: { dtr?: boolean; rts?: boolean }): Promise<boolean>;
  abstract setBaud(baud: number): Promise<boolean>;
  abstract close(): Promise<void>;
  read(n: number, timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.rx.read(n, timeoutMs, signal);
  }
  readUntil(delimiter: number, timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.rx.readUntil(delimiter, timeoutMs, signal);
  }
  readSome(timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.rx.readSome(timeoutMs, signal);
  }
  discardInput(): void {
    this.rx.clear();
  }
}

export function disconnected(path: string, cause?: unknown): DeviceDisconnectedError {
  const why = cause instanceof Error ? `: ${cause.message}` : '';
  return new DeviceDisconnectedError(`${path}: link closed${why}`);
}

/** Transmission time of n bytes at `baud` (10 bits per byte: start + 8 data + stop; 11 with parity). */
export function wireTimeMs(n: number, baud: number, bitsPerByte = 11): number {
  return Math.ceil((n * bitsPerByte * 1000) / baud);
}
