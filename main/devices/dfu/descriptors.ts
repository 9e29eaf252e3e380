/**
 * What a DFU device says about itself, read with standard GET_DESCRIPTOR requests (USB 2.0
 * section 9.4.3): the configuration descriptor's DFU interfaces (class 0xFE, subclass 1; one per
 * alternate setting, each a memory region for DfuSe) and the DFU functional descriptor (type
 * 0x21: what the device can do and wTransferSize), plus string descriptors (DfuSe's memory
 * layouts live in the interface strings). The bytes come from the device: every length is
 * checked before it is used.
 */
import { DeviceProtocolError } from '../../engine/errors';
import type { UsbLink } from '../link/link';

const GET_DESCRIPTOR = 6;
const TYPE_CONFIGURATION = 2;
const TYPE_STRING = 3;
const TYPE_INTERFACE = 4;
const TYPE_DFU_FUNCTIONAL = 0x21;
const CLASS_APPLICATION_SPECIFIC = 0xfe;
const SUBCLASS_DFU = 1;
const LANG_EN_US = 0x0409;

export interface DfuInterface {
  interfaceNumber: number;
  alternateSetting: number;
  /** 1: run-time (the application offers DETACH), 2: DFU mode. */
  protocol: number;
  /** iInterface: index of its name (DfuSe: the memory layout). */
  nameIndex: number;
}

/** The DFU functional descriptor (DFU 1.1 section 4.1.3). */
export interface DfuFunctional {
  canDownload: boolean;
  canUpload: boolean;
  /** The device returns to dfuIDLE after manifestation instead of waiting for a reset. */
  manifestationTolerant: boolean;
  /** The device detaches by itself after DETACH (no USB reset needed). */
  willDetach: boolean;
  detachTimeoutMs: number;
  /** Most bytes per DNLOAD/UPLOAD control transfer. */
  transferSize: number;
  /** 0x0110 for DFU 1.1, 0x011A for ST's DfuSe. */
  dfuVersion: number;
}

export interface DfuDescriptors {
  interfaces: DfuInterface[];
  functional: DfuFunctional;
}

/** Parses a configuration descriptor set (the bytes GET_DESCRIPTOR(CONFIGURATION) returns). */
export function parseDfuDescriptors(bytes: Uint8Array, where: string): DfuDescriptors {
  const bad = (why: string) => new DeviceProtocolError(`${where}: configuration descriptor ${why}`);
  if (bytes.length < 9 || bytes[1] !== TYPE_CONFIGURATION) throw bad('is missing or malformed');
  const total = Math.min(bytes.length, bytes[2] | (bytes[3] << 8));
  const interfaces: DfuInterface[] = [];
  let functional: DfuFunctional | undefined;
  for (let at = 0; at + 2 <= total;) {
    const length = bytes[at];
    const type = bytes[at + 1];
    if (length < 2 || at + length > total) throw bad(`has a descriptor of length ${length} at byte ${at}`);
    if (type === TYPE_INTERFACE && length >= 9) {
      if (bytes[at + 5] === CLASS_APPLICATION_SPECIFIC && bytes[at + 6] === SUBCLASS_DFU)
        interfaces.push({
          interfaceNumber: bytes[at + 2],
          alternateSetting: bytes[at + 3],
          protocol: bytes[at + 7],
          nameIndex: bytes[at + 8],
        });
    } else if (type === TYPE_DFU_FUNCTIONAL && length >= 7) {
      const attributes = bytes[at + 2];
      functional = {
        canDownload: (attributes & 1) !== 0,
        canUpload: (attributes & 2) !== 0,
        manifestationTolerant: (attributes & 4) !== 0,
        willDetach: (attributes & 8) !== 0,
        detachTimeoutMs: bytes[at + 3] | (bytes[at + 4] << 8),
        transferSize: bytes[at + 5] | (bytes[at + 6] << 8),
        // DFU 1.0 descriptors end before bcdDFUVersion.
        dfuVersion: length >= 9 ? bytes[at + 7] | (bytes[at + 8] << 8) : 0x0100,
      };
    }
    at += length;
  }
  if (interfaces.length === 0) throw bad('has no DFU interface (class 0xFE, subclass 1)');
  if (!functional) throw bad('has no DFU functional descriptor');
  if (functional.transferSize === 0) throw bad('gives a wTransferSize of 0');
  return { interfaces, functional };
}

const getDescriptor = (link: UsbLink, type: number, index: number, langId: number, length: number) =>
  link.controlIn(
    {
      requestType: 'standard',
      recipient: 'device',
      request: GET_DESCRIPTOR,
      value: (type << 8) | index,
      index: langId,
    },
    length,
  );

/** Reads the first configuration's descriptors (9 bytes for wTotalLength, then all of them). */
export async function readDfuDescriptors(link: UsbLink): Promise<DfuDescriptors> {
  const head = await getDescriptor(link, TYPE_CONFIGURATION, 0, 0, 9);
  const total = head.length >= 4 ? head[2] | (head[3] << 8) : 0;
  const all = total > 9 ? await getDescriptor(link, TYPE_CONFIGURATION, 0, 0, total) : head;
  return parseDfuDescriptors(all, link.path);
}

/** A string descriptor in US English, decoded from UTF-16LE; '' for index 0. */
export async function readStringDescriptor(link: UsbLink, index: number): Promise<string> {
  if (index === 0) return '';
  const b = await getDescriptor(link, TYPE_STRING, index, LANG_EN_US, 255);
  if (b.length < 2 || b[1] !== TYPE_STRING)
    throw new DeviceProtocolError(`${link.path}: string descriptor ${index} is malformed`);
  const end = Math.min(b.length, b[0]) & ~1;
  let s = '';
  for (let i = 2; i + 1 < end; i += 2) s += String.fromCharCode(b[i] | (b[i + 1] << 8));
  return s;
}
