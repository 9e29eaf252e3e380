/**
 * `.dfu` files checked by the peers users flash with: Debian's dfu-util (`dfu-suffix --check`
 * reads the suffix and its CRC) and its `dfuse-pack -d` (parses the DfuSe prefix, targets and
 * elements, recomputes the CRC and dumps each element). Both skip, saying why, when absent.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../main/cli/command';
import { command as flash } from '../../main/cli/commands/flash';
import { buildContainer } from '../../main/engine/deploy/container';
import { buildDfuseFile } from '../../main/engine/deploy/dfu-file';
import { exportModel } from '../../main/engine/deploy/export-formats';
import { readBytes, sharedPath } from '../support/shared';

const model = readBytes(sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-dfu-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function tool(name: string): boolean {
  const found = fs.existsSync(`/usr/bin/${name}`);
  if (!found) console.log(`skipped: /usr/bin/${name} is missing (Debian package dfu-util)`);
  return found;
}
const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('.dfu files for dfu-util (issue 14)', () => {
  const [file] = exportModel('dfu', {
    bytes: model,
    baseName: 'hello',
    sourceName: 'hello.tflite',
    dfu: { address: 0x08020000 },
  }).files;
  const dfuPath = path.join(dir, file!.path);
  fs.writeFileSync(dfuPath, file!.contents);
  const container = buildContainer(model);

  it('has the DfuSe prefix, one target with the container at the address, and the 16-byte suffix', () => {
    const b = file!.contents as Uint8Array;
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    expect(file!.path).toBe('hello.dfu');
    expect(b.length).toBe(11 + 274 + 8 + container.length + 16);
    expect(new TextDecoder().decode(b.subarray(0, 5))).toBe('DfuSe');
    expect(v.getUint32(11 + 274, true)).toBe(0x08020000);
    expect([...b.subarray(11 + 274 + 8, 11 + 274 + 8 + container.length)]).toEqual([...container]);
    expect([...b.subarray(-16, -4)]).toEqual([
      0xff, 0xff, 0x11, 0xdf, 0x83, 0x04, 0x1a, 0x01, 0x55, 0x46, 0x44, 16,
    ]);
  });

  it.skipIf(!tool('dfu-suffix'))('passes dfu-suffix --check (vendor, product, DfuSe 1.1a, CRC)', () => {
    const out = run('dfu-suffix', ['--check', dfuPath]);
    expect(out).toMatch(/The file .* contains a DFU suffix with the following properties:/);
    expect(out).toMatch(/Vendor ID:\s+0x0483/);
    expect(out).toMatch(/Product ID:\s+0xDF11/);
    expect(out).toMatch(/BCD DFU:\s+0x011A/);
    expect(out).toMatch(/Length:\s+16/);
    // A flipped byte makes the CRC wrong: the check is real.
    const broken = Uint8Array.from(file!.contents as Uint8Array);
    broken[400] ^= 1;
    const brokenPath = path.join(dir, 'broken.dfu');
    fs.writeFileSync(brokenPath, broken);
    expect(() => run('dfu-suffix', ['--check', brokenPath])).toThrow();
  });

  it.skipIf(!tool('dfuse-pack'))(
    'parses with dfuse-pack -d: one target, the element at 0x08020000, no CRC or parse error',
    () => {
      const out = run('/usr/bin/python3', ['/usr/bin/dfuse-pack', '-d', dfuPath]);
      expect(out).toContain(`DfuSe' v1, image size: ${(file!.contents as Uint8Array).length}, targets: 1`);
      expect(out).toContain(`alt setting: 0, name: "b'Internal Flash'"`);
      expect(out).toContain(`0, address: 0x08020000, size: ${container.length}`);
      expect(out).toContain('usb: 0483:df11, device: 0xffff, dfu: 0x011a');
      expect(out).not.toMatch(/ERROR/);
      expect([...fs.readFileSync(`${dfuPath}.target0.image0.bin`)]).toEqual([...container]);
    },
  );

  it('holds several targets and elements, and refuses what the format cannot hold', () => {
    const two = buildDfuseFile([
      {
        alternateSetting: 0,
        elements: [
          { address: 0x08000000, data: Uint8Array.of(1, 2) },
          { address: 0x08004000, data: Uint8Array.of(3) },
        ],
      },
      {
        alternateSetting: 1,
        name: 'Option Bytes',
        elements: [{ address: 0x1fffc000, data: Uint8Array.of(4, 5, 6, 7) }],
      },
    ]);
    expect(two.length).toBe(11 + 2 * 274 + 3 * 8 + 7 + 16);
    expect(two[10]).toBe(2);
    expect(() => buildDfuseFile([])).toThrow(/1 to 255 targets/);
    expect(() => buildDfuseFile([{ alternateSetting: 0, elements: [] }])).toThrow(/at least one element/);
    expect(() =>
      buildDfuseFile([
        { alternateSetting: 0, elements: [{ address: 0xffffffff, data: Uint8Array.of(1, 2) }] },
      ]),
    ).toThrow(/32-bit/);
    expect(() => exportModel('dfu', { bytes: model, baseName: 'm', sourceName: 'm' })).toThrow(
      /flash address/,
    );
  });
});

describe('lowbit flash --protocol dfuse --out FILE.dfu (issue 14)', () => {
  it('saves the .dfu file instead of flashing, never over the model', async () => {
    const stdout: string[] = [];
    const ctx: CliContext = {
      log: () => {},
      progress: () => {},
      out: (t) => stdout.push(t),
      signal: new AbortController().signal,
      cwd: dir,
    };
    const modelPath = sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite');
    const args = [modelPath, '--protocol', 'dfuse', '--address', '0x08020000', '--out', 'cli.dfu', '--json'];
    expect(await flash.run(args, ctx)).toBe(0);
    expect(JSON.parse(stdout[0])).toMatchObject({ protocol: 'dfuse', address: 0x08020000 });
    const saved = fs.readFileSync(path.join(dir, 'cli.dfu'));
    const [expected] = exportModel('dfu', {
      bytes: model,
      baseName: 'hello_world_int8',
      sourceName: 'hello_world_int8.tflite',
      dfu: { address: 0x08020000 },
    }).files;
    expect([...saved]).toEqual([...(expected!.contents as Uint8Array)]);
    if (tool('dfu-suffix')) run('dfu-suffix', ['--check', path.join(dir, 'cli.dfu')]);
  });
});
