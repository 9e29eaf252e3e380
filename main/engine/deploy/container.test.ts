import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBytes, sharedPath } from '../../../test/support/shared';
import { CONTAINER_C_SNIPPET, buildContainer, parseContainer } from './container';
import { crc32 } from './crc32';

const hello = readBytes(sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite'));

describe('model container', () => {
  it('has the documented header, byte for byte', () => {
    const payload = Uint8Array.from('12345678TFL3xyz', (c) => c.charCodeAt(0)); // 15 bytes, not a real model
    const c = buildContainer(payload);
    expect(c.length).toBe(32 + 16);
    const head = Array.from(c.subarray(0, 28));
    expect(head).toEqual([
      0x4c,
      0x42,
      0x54,
      0x4d, // "LBTM"
      0x01,
      0x00,
      0x20,
      0x00, // version 1, header size 32
      0x0f,
      0x00,
      0x00,
      0x00, // payload length 15
      ...u32le(crc32(payload)),
      0x00,
      0x00,
      0x00,
      0x00, // flags: bytes 4..7 are "5678", not "TFL3"
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
    ]);
    expect(Array.from(c.subarray(28, 32))).toEqual(u32le(crc32(c.subarray(0, 28))));
    expect(Array.from(c.subarray(32, 47))).toEqual(Array.from(payload));
    expect(c[47]).toBe(0xff); // padding to 16 is erased-flash 0xFF
  });

  it('wraps a real model 16-aligned with the TFLite flag and round-trips', () => {
    const c = buildContainer(hello);
    expect(c.length).toBe(32 + Math.ceil(2704 / 16) * 16);
    const info = parseContainer(c);
    expect(info.flags).toBe(1);
    expect(info.payloadLength).toBe(2704);
    expect(info.payload.byteOffset % 16).toBe(c.byteOffset % 16);
    expect(Buffer.compare(Buffer.from(info.payload), Buffer.from(hello))).toBe(0);
  });

  it('rejects corruption anywhere with MODEL_FORMAT', () => {
    const c = buildContainer(hello);
    for (const at of [0, 5, 9, 13, 29, 32, 1000, 32 + 2703]) {
      const bad = c.slice();
      bad[at] ^= 0x20;
      expect(() => parseContainer(bad), `byte ${at}`).toThrow(
        expect.objectContaining({ code: 'MODEL_FORMAT' }),
      );
    }
    expect(() => parseContainer(c.subarray(0, 100))).toThrow(
      expect.objectContaining({ code: 'MODEL_FORMAT' }),
    );
    expect(() => parseContainer(new Uint8Array(10))).toThrow(
      expect.objectContaining({ code: 'MODEL_FORMAT' }),
    );
  });

  describe('C snippet (compiled with gcc)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-container-'));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const main = `${CONTAINER_C_SNIPPET}
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  FILE *f = fopen(argv[1], "rb");
  static unsigned char buf[1 << 20] __attribute__((aligned(16)));
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  size_t region = argc > 2 ? (size_t)atoi(argv[2]) : n;
  const unsigned char *model = 0;
  size_t len = 0;
  int rc = lowbit_model_find(buf, region, &model, &len);
  printf("%d %zu %ld %08x\\n", rc, len, model ? (long)(model - buf) : -1L, rc == 0 ? lowbit_crc32(model, len) : 0u);
  return 0;
}
`;
    const src = path.join(dir, 'find.c');
    const exe = path.join(dir, 'find');
    fs.writeFileSync(src, main);
    execFileSync('gcc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-O1', '-o', exe, src]);
    const run = (bytes: Uint8Array, region?: number) => {
      const file = path.join(dir, 'c.bin');
      fs.writeFileSync(file, bytes);
      return execFileSync(exe, region === undefined ? [file] : [file, String(region)])
        .toString()
        .trim();
    };
    const c = buildContainer(hello);

    it('finds a valid container: length, offset 32, CRC', () => {
      expect(run(c)).toBe(`0 2704 32 ${crc32(hello).toString(16).padStart(8, '0')}`);
    });
    it('refuses a flipped payload byte, a bad magic, a tampered header and a too-small region', () => {
      const payload = c.slice();
      payload[500] ^= 1;
      expect(run(payload)).toBe('-5 0 -1 00000000');
      const magic = c.slice();
      magic[0] = 0;
      expect(run(magic)).toBe('-1 0 -1 00000000');
      const header = c.slice();
      header[8] ^= 0x40; // length changed without fixing the header CRC
      expect(run(header)).toBe('-2 0 -1 00000000');
      expect(run(c, 1000)).toBe('-4 0 -1 00000000');
      expect(run(new Uint8Array(8), 8)).toBe('-4 0 -1 00000000');
    });
  });
});

function u32le(x: number): number[] {
  return [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff];
}
