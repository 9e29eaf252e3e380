/**
 * ST's DfuSe extensions of DFU 1.1 (AN3156), over the DFU driver. Commands travel as DNLOAD
 * block 0: `21 a0 a1 a2 a3` sets the address pointer, `41 a0 a1 a2 a3` erases the page or
 * sector holding that address (addresses little-endian); the device works on them during the
 * GETSTATUS that follows (dfuDNBUSY, then dfuDNLOAD-IDLE). Data blocks are DNLOAD/UPLOAD with
 * wBlockNum >= 2, at pointer + (wBlockNum − 2) × wTransferSize; this driver moves the pointer
 * before every block, as dfu-util does, so a failed block can be sent again on its own.
 */
import { DeviceDisconnectedError, DeviceProtocolError } from '../../engine/errors';
import type { DfuDevice } from '../dfu/driver';
import { DFU_STATE, dfuStateName } from '../dfu/protocol';

const SET_ADDRESS_POINTER = 0x21;
const ERASE = 0x41;
/** The first wBlockNum that carries data rather than a command. */
const FIRST_DATA_BLOCK = 2;

const withAddress = (command: number, address: number) =>
  Uint8Array.of(command, address & 0xff, (address >>> 8) & 0xff, (address >>> 16) & 0xff, address >>> 24);

export class DfuSe {
  constructor(readonly dfu: DfuDevice) {}

  private command(bytes: Uint8Array, what: string): Promise<void> {
    return this.dfu.downloadBlock(0, bytes, what);
  }
  setAddress(address: number): Promise<void> {
    return this.command(withAddress(SET_ADDRESS_POINTER, address), `set address 0x${address.toString(16)}`);
  }
  erasePage(address: number): Promise<void> {
    return this.command(withAddress(ERASE, address), `erase the page at 0x${address.toString(16)}`);
  }

  /** Writes one block (≤ wTransferSize) at `address`. */
  async write(address: number, data: Uint8Array): Promise<void> {
    await this.setAddress(address);
    await this.dfu.downloadBlock(FIRST_DATA_BLOCK, data, `write at 0x${address.toString(16)}`);
  }

  /** Reads `length` bytes from `address` (UPLOAD works from dfuIDLE only: ABORT around it). */
  async read(address: number, length: number): Promise<Uint8Array> {
    await this.dfu.toIdle();
    await this.setAddress(address);
    await this.dfu.requests.abort();
    return this.dfu.upload(length, FIRST_DATA_BLOCK);
  }

  /**
   * Leaves DfuSe: point at `jumpAddress` (the application's vector table), then a zero-length
   * DNLOAD; the device starts manifestation and runs the application, so it may vanish before
   * or after answering the GETSTATUS.
   */
  async leave(jumpAddress: number): Promise<void> {
    await this.dfu.toIdle();
    await this.setAddress(jumpAddress);
    await this.dfu.requests.download(FIRST_DATA_BLOCK, new Uint8Array(0));
    try {
      const st = await this.dfu.requests.getStatus();
      if (st.state !== DFU_STATE.dfuMANIFEST && st.state !== DFU_STATE.dfuMANIFEST_SYNC)
        throw new DeviceProtocolError(
          `${this.dfu.link.path}: leaving DFU mode: the device is in ${dfuStateName(st.state)}, expected dfuMANIFEST`,
        );
    } catch (e) {
      if (!(e instanceof DeviceDisconnectedError)) throw e;
    }
  }
}
