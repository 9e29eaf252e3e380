/**
 * What a DFU device says about itself, from the configuration descriptor (read and walked by
 * ../link/usb-descriptors.ts): its DFU interfaces (class 0xFE, subclass 1; one per
 * alternate setting, each a memory region for DfuSe) and the DFU functional descriptor (type
 * 0x21: what the device can do and wTransferSize), plus string descriptors (DfuSe's memory
 * layouts live in the interface strings). The bytes come from the device: every length is
 * checked before it is used.
 */
import { DeviceProtocolError } from '../../engine/errors';
import type { UsbLink } from '../link/link';
import {
  parseConfigurationDescriptor,
  readConfigurationDescriptor,
  type UsbConfigurationDescriptor,
} from '../link/usb-descriptors';

const GET_DESCRIPTOR = 6;
const TYPE_CONFIGURATION = 2;
const TYPE_STRING = 3;
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

/** The DFU interfaces and functional descriptor of a parsed configuration. */
export function dfuDescriptorsOf(config: UsbConfigurationDescriptor, where: string): DfuDescriptors {
  const bad = (why: string) => new DeviceProtocolError(`${where}: configuration descriptor ${why}`);
  const dfu = config.interfaces.filter(
    (i) => i.interfaceClass === CLASS_APPLICATION_SPECIFIC && i.interfaceSubclass === SUBCLASS_DFU,
  );
  if (dfu.length === 0) throw bad('has no DFU interface (class 0xFE, subclass 1)');
  const f = dfu.flatMap((i) => i.extra).find((d) => d[1] === TYPE_DFU_FUNCTIONAL && d.length >= 7);
  if (!f) throw bad('has no DFU functional descriptor');
  const functional: DfuFunctional = {
    canDownload: (f[2] & 1) !== 0,
    canUpload: (f[2] & 2) !== 0,
    manifestationTolerant: (f[2] & 4) !== 0,
    willDetach: (f[2] & 8) !== 0,
    detachTimeoutMs: f[3] | (f[4] << 8),
    transferSize: f[5] | (f[6] << 8),
    // DFU 1.0 descriptors end before bcdDFUVersion.
    dfuVersion: f.length >= 9 ? f[7] | (f[8] << 8) : 0x0100,
  };
  if (functional.transferSize === 0) throw bad('gives a wTransferSize of 0');
  const interfaces = dfu.map((i) => ({
    interfaceNumber: i.number,
    alternateSetting: i.alternate,
    protocol: i.interfaceProtocol,
    nameIndex: i.nameIndex,
  }));
  return { interfaces, functional };
}

/** Parses a configuration descriptor set (the bytes GET_DESCRIPTOR(CONFIGURATION) returns). */
export function parseDfuDescriptors(bytes: Uint8Array, where: string): DfuDescriptors {
  if (bytes.length < 9 || bytes[1] !== TYPE_CONFIGURATION)
    throw new DeviceProtocolError(`${where}: configuration descriptor is missing or malformed`);
  return dfuDescriptorsOf(parseConfigurationDescriptor(bytes), where);
}

/** Reads the first configuration's descriptors and picks out the DFU ones. */
export async function readDfuDescriptors(link: UsbLink): Promise<DfuDescriptors> {
  return dfuDescriptorsOf(await readConfigurationDescriptor(link), link.path);
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
