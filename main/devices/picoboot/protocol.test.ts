import { describe, expect, it } from 'vitest';
import { parseConfigurationDescriptor } from '../link/usb-descriptors';
import { findPicobootInterface } from './connection';
import {
  PC,
  decodeCommand,
  decodeStatus,
  encodeCommand,
  encodeStatus,
  statusName,
  wordArgs,
} from './protocol';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('PICOBOOT codec (issue 14)', () => {
  it('lays out a command as picoboot.h: magic, token, id, argument size, transfer length, arguments', () => {
    const erase = encodeCommand({
      token: 1,
      id: PC.FLASH_ERASE,
      args: wordArgs(0x10100000, 0x1000),
      transferLength: 0,
    });
    expect(hex(erase)).toBe(
      '0bd11f43' + '01000000' + '03' + '08' + '0000' + '00000000' + '00001010' + '00100000' + '00'.repeat(8),
    );
    const read = encodeCommand({
      token: 0x1234,
      id: PC.READ,
      args: wordArgs(0x10000000, 256),
      transferLength: 256,
    });
    expect(decodeCommand(read)).toEqual({
      token: 0x1234,
      id: 0x84,
      args: wordArgs(0x10000000, 256),
      transferLength: 256,
    });
    expect(decodeCommand(read.slice(0, 31))).toBeUndefined();
    expect(decodeCommand(new Uint8Array(32))).toBeUndefined(); // no magic
  });

  it('decodes the 16-byte status and names its codes', () => {
    const s = { token: 7, code: 5, commandId: 0x05, inProgress: false };
    expect(hex(encodeStatus(s))).toBe('07000000' + '05000000' + '05' + '00' + '00'.repeat(6));
    expect(decodeStatus(encodeStatus(s))).toEqual(s);
    expect(decodeStatus(new Uint8Array(15))).toBeUndefined();
    expect([statusName(0), statusName(5), statusName(6), statusName(99)]).toEqual([
      'OK',
      'BAD_ALIGNMENT',
      'INTERLEAVED_WRITE',
      'status 99',
    ]);
  });

  it('finds the vendor interface with two bulk endpoints in a configuration descriptor; keeps class descriptors', () => {
    // RP2040 BOOTSEL: mass storage (0x81/0x02), PICOBOOT (0x03/0x84); then a DFU-style interface
    // with a functional descriptor (type 0x21) to show `extra`.
    const body = [
      ...[9, 4, 0, 0, 2, 8, 6, 0x50, 0],
      ...[7, 5, 0x81, 2, 64, 0, 0],
      ...[7, 5, 0x02, 2, 64, 0, 0],
      ...[9, 4, 1, 0, 2, 0xff, 0, 0, 0],
      ...[7, 5, 0x03, 2, 64, 0, 0],
      ...[7, 5, 0x84, 2, 64, 0, 0],
      ...[9, 4, 2, 0, 0, 0xfe, 1, 2, 4],
      ...[9, 0x21, 0x0b, 0xff, 0, 0, 8, 0x1a, 0x01],
    ];
    const total = 9 + body.length;
    const config = parseConfigurationDescriptor(
      Uint8Array.from([9, 2, total, 0, 3, 1, 0, 0x80, 50, ...body]),
    );
    expect(config.interfaces.map((i) => [i.number, i.interfaceClass, i.endpoints.length])).toEqual([
      [0, 8, 2],
      [1, 0xff, 2],
      [2, 0xfe, 0],
    ]);
    expect(findPicobootInterface(config.interfaces)).toEqual({
      interfaceNumber: 1,
      inEndpoint: 4,
      outEndpoint: 3,
    });
    expect([...config.interfaces[2]!.extra[0]!]).toEqual([9, 0x21, 0x0b, 0xff, 0, 0, 8, 0x1a, 0x01]);
    expect(() =>
      parseConfigurationDescriptor(Uint8Array.from([9, 2, 20, 0, 1, 1, 0, 0x80, 50, 9, 4, 0])),
    ).toThrow(/runs past the end at byte 9/);
    expect(() =>
      parseConfigurationDescriptor(Uint8Array.from([9, 2, 12, 0, 1, 1, 0, 0x80, 50, 0, 4, 0])),
    ).toThrow(/length 0/);
  });
});
