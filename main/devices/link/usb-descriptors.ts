/**
 * USB configuration descriptors (USB 2.0 section 9.6.3–9.6.6): how a protocol finds its
 * interface and endpoints on an opened device. The descriptor is read with a standard
 * GET_DESCRIPTOR control request, so it works over any UsbLink (hardware, fake) and keeps the
 * class-specific descriptors that WebUSB hides (a DFU functional descriptor, say: `extra`).
 *
 * Every length is checked against the bytes received; a malformed descriptor is a
 * DeviceProtocolError naming the offset.
 */
import { DeviceProtocolError } from '../../engine/errors';
import type { UsbLink } from './link';

export type UsbTransferType = 'control' | 'isochronous' | 'bulk' | 'interrupt';

export interface UsbEndpointDescriptor {
  /** Endpoint number 1–15, without the direction bit (what UsbLink's bulk calls take). */
  number: number;
  direction: 'in' | 'out';
  type: UsbTransferType;
  maxPacketSize: number;
}

export interface UsbInterfaceDescriptor {
  number: number;
  alternate: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  /** Index of the interface's string descriptor (0: none). */
  nameIndex: number;
  endpoints: UsbEndpointDescriptor[];
  /** Class- or vendor-specific descriptors that follow the interface, raw (type at byte 1). */
  extra: Uint8Array[];
}

export interface UsbConfigurationDescriptor {
  value: number;
  interfaces: UsbInterfaceDescriptor[];
}

const DESCRIPTOR_CONFIGURATION = 2;
const DESCRIPTOR_INTERFACE = 4;
const DESCRIPTOR_ENDPOINT = 5;
const GET_DESCRIPTOR = 6;
const TRANSFER_TYPES: readonly UsbTransferType[] = ['control', 'isochronous', 'bulk', 'interrupt'];

const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);

/** Parses a full configuration descriptor (header, interfaces, endpoints, class descriptors). */
export function parseConfigurationDescriptor(bytes: Uint8Array): UsbConfigurationDescriptor {
  const bad = (at: number, why: string) =>
    new DeviceProtocolError(`USB configuration descriptor: ${why} at byte ${at}`);
  if (bytes.length < 9 || bytes[1] !== DESCRIPTOR_CONFIGURATION) throw bad(0, 'no configuration header');
  const total = Math.min(u16(bytes, 2), bytes.length);
  const config: UsbConfigurationDescriptor = { value: bytes[5]!, interfaces: [] };
  let current: UsbInterfaceDescriptor | undefined;
  for (let at = bytes[0]!; at < total;) {
    const length = bytes[at]!;
    if (length < 2 || at + length > total) throw bad(at, `descriptor length ${length} runs past the end`);
    const type = bytes[at + 1]!;
    const d = bytes.subarray(at, at + length);
    if (type === DESCRIPTOR_INTERFACE) {
      if (length < 9) throw bad(at, 'short interface descriptor');
      current = {
        number: d[2]!,
        alternate: d[3]!,
        interfaceClass: d[5]!,
        interfaceSubclass: d[6]!,
        interfaceProtocol: d[7]!,
        nameIndex: d[8]!,
        endpoints: [],
        extra: [],
      };
      config.interfaces.push(current);
    } else if (type === DESCRIPTOR_ENDPOINT && current) {
      if (length < 7) throw bad(at, 'short endpoint descriptor');
      current.endpoints.push({
        number: d[2]! & 0x0f,
        direction: d[2]! & 0x80 ? 'in' : 'out',
        type: TRANSFER_TYPES[d[3]! & 3]!,
        maxPacketSize: u16(d, 4) & 0x7ff,
      });
    } else if (current) {
      current.extra.push(d.slice());
    }
    at += length;
  }
  return config;
}

/** Reads and parses the device's first configuration descriptor (header first, then all of it). */
export async function readConfigurationDescriptor(link: UsbLink): Promise<UsbConfigurationDescriptor> {
  const setup = {
    requestType: 'standard',
    recipient: 'device',
    request: GET_DESCRIPTOR,
    value: DESCRIPTOR_CONFIGURATION << 8,
    index: 0,
  } as const;
  const head = await link.controlIn(setup, 9);
  if (head.length < 4) throw new DeviceProtocolError(`${link.path}: short configuration descriptor`);
  return parseConfigurationDescriptor(await link.controlIn(setup, u16(head, 2)));
}
