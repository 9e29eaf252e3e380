/**
 * What the flashers share: options every protocol takes, the result it returns, progress with a
 * rate and an ETA, block retries, and a cancellable sleep.
 */
import type { FlashFamilyId, FlashProgress, VerifyMethod } from '../engine/deploy/device-types';
import {
  CancelledError,
  DeviceDisconnectedError,
  DeviceError,
  DeviceVerifyError,
  LowbitError,
  throwIfAborted,
} from '../engine/errors';

export type { FlashProgress } from '../engine/deploy/device-types';

export interface FlashCommonOptions {
  signal?: AbortSignal;
  onProgress?: (p: FlashProgress) => void;
  /** Human-readable notes (skipped reset, chip found...). */
  onLog?: (line: string) => void;
  /** Attempts per block after the first (default 3). */
  retries?: number;
}

export interface FlashResult {
  protocol: Exclude<FlashFamilyId, 'uf2'>;
  chip: string;
  address: number;
  bytes: number;
  /** Blocks that needed a retry. */
  retries: number;
  /** How the result was checked: 'md5' (ESP32) or 'readback' (STM32, PICOBOOT). */
  verifiedBy: Exclude<VerifyMethod, 'none'>;
  ms: number;
}

/** Turns byte counts into progress events with a rate and an ETA. */
export class ProgressMeter {
  private t0 = Date.now();
  constructor(
    private readonly phase: FlashProgress['phase'],
    private readonly total: number,
    private readonly sink: ((p: FlashProgress) => void) | undefined,
  ) {
    // 'done' is a single final event; every other phase announces its start.
    if (phase !== 'done') this.report(0);
  }
  report(done: number): void {
    if (!this.sink) return;
    const secs = (Date.now() - this.t0) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const etaSec = rate > 0 ? (this.total - done) / rate : undefined;
    this.sink({ phase: this.phase, done, total: this.total, bytesPerSec: rate, etaSec });
  }
}

/**
 * The end of a verified flash: reports the single 'done' progress event over `doneBytes` and
 * returns the result, timed from `startedAt`.
 */
export function finishFlash(
  result: Omit<FlashResult, 'ms'>,
  doneBytes: number,
  startedAt: number,
  onProgress: FlashCommonOptions['onProgress'],
): FlashResult {
  new ProgressMeter('done', doneBytes, onProgress).report(doneBytes);
  return { ...result, ms: Date.now() - startedAt };
}

/** "write 12.3 KB/s ETA 4 s": the phase with its rate and time left, parts joined by `separator`. */
export function describeProgress(p: FlashProgress, separator = ' '): string {
  const parts: string[] = [p.phase];
  if (p.bytesPerSec > 0) parts.push(`${(p.bytesPerSec / 1024).toFixed(1)} KB/s`);
  if (p.etaSec !== undefined && p.done < p.total) parts.push(`ETA ${Math.ceil(p.etaSec)} s`);
  return parts.join(separator);
}

/** Errors a block retry can fix (noise, a NAK, a lost reply); a pulled cable or a cancel cannot. */
export function isRetryable(e: unknown): boolean {
  if (e instanceof CancelledError || e instanceof DeviceDisconnectedError) return false;
  return e instanceof DeviceError && (e.code === 'DEVICE_TIMEOUT' || e.code === 'DEVICE_PROTOCOL');
}

/**
 * Runs `attempt` up to 1 + retries times; `recover` runs between attempts (resync). Returns the
 * number of retries used. Non-retryable errors propagate at once.
 */
export async function withRetries(
  retries: number,
  attempt: () => Promise<void>,
  recover: () => Promise<void>,
  signal?: AbortSignal,
): Promise<number> {
  for (let i = 0; ; i++) {
    if (signal?.aborted) throw new CancelledError();
    try {
      await attempt();
      return i;
    } catch (e) {
      if (!isRetryable(e) || i >= retries) throw e;
      await recover();
    }
  }
}

/** How a block flasher moves one block, and how it recovers between attempts. */
export interface BlockSteps {
  blockBytes: number;
  retries: number;
  recover: () => Promise<void>;
  signal?: AbortSignal;
  onProgress?: (p: FlashProgress) => void;
}

/**
 * Writes `data` block by block (each retried), reporting the 'write' phase; returns the retries
 * used. `write` gets the block's offset in `data`.
 */
export async function writeBlocks(
  data: Uint8Array,
  steps: BlockSteps,
  write: (offset: number, block: Uint8Array) => Promise<void>,
): Promise<number> {
  const meter = new ProgressMeter('write', data.length, steps.onProgress);
  let retried = 0;
  for (let off = 0; off < data.length; off += steps.blockBytes) {
    throwIfAborted(steps.signal);
    const block = data.subarray(off, Math.min(off + steps.blockBytes, data.length));
    retried += await withRetries(steps.retries, () => write(off, block), steps.recover, steps.signal);
    meter.report(off + block.length);
  }
  return retried;
}

/**
 * Reads `data`'s place back block by block (each read retried), reporting the 'verify' phase,
 * and throws DeviceVerifyError at the first byte that differs (`address` + its offset). Returns
 * the retries used.
 */
export async function verifyBlocks(
  data: Uint8Array,
  address: number,
  steps: BlockSteps,
  read: (offset: number, length: number) => Promise<Uint8Array>,
): Promise<number> {
  const meter = new ProgressMeter('verify', data.length, steps.onProgress);
  let retried = 0;
  for (let off = 0; off < data.length; off += steps.blockBytes) {
    throwIfAborted(steps.signal);
    const n = Math.min(steps.blockBytes, data.length - off);
    let got: Uint8Array = new Uint8Array(0);
    retried += await withRetries(
      steps.retries,
      async () => {
        got = await read(off, n);
      },
      steps.recover,
      steps.signal,
    );
    const bad = firstDifference(got, data.subarray(off, off + n));
    if (bad >= 0) {
      const at = address + off + bad;
      const read = bad < got.length ? `0x${got[bad].toString(16)}` : 'nothing';
      throw new DeviceVerifyError(
        `read-back differs at 0x${at.toString(16)}: wrote 0x${data[off + bad].toString(16)}, read ${read}`,
      );
    }
    meter.report(off + n);
  }
  return retried;
}

/** The first index where a read-back differs from what was written (the shorter length if one is short), or -1. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Wraps anything unexpected so callers only ever see domain errors. */
export function asDomainError(e: unknown): LowbitError {
  if (e instanceof LowbitError) return e;
  return new DeviceError(
    'DEVICE',
    `unexpected failure: ${(e as Error)?.message ?? String(e)}`,
    'report this as a bug',
  );
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
