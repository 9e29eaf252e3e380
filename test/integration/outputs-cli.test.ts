/**
 * Issue 18 (outputs): the CLI's output paths. `lowbit uf2 --out` and `lowbit flash --protocol uf2
 * --out` refuse the model itself (also through a hard or symbolic link) and a symbolic link at the
 * output path, with exit 1 (a wrong argument) and one line; export refuses a --name that is a path; a BOOTSEL drive's
 * file name cannot leave the drive.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyToUf2Drive, uf2DriveFileName } from '../../main/devices/uf2/drive';
import { lowbitInProcess } from '../support/cli';
import { readBytes, sharedPath } from '../support/shared';

const hello = readBytes(sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-outputs-'));
const at = (name: string) => path.join(tmp, name);
const MODEL = at('hello.tflite');
beforeAll(() => {
  fs.writeFileSync(MODEL, hello);
  fs.linkSync(MODEL, at('hard.uf2'));
  fs.symlinkSync(MODEL, at('soft.uf2'));
  fs.writeFileSync(at('victim.txt'), 'keep');
  fs.symlinkSync(at('victim.txt'), at('link.uf2'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const UF2 = ['uf2', MODEL, '--address', '0x10100000', '--out'];
const FLASH = ['flash', MODEL, '--protocol', 'uf2', '--board', 'raspberry-pi-pico', '--out'];

/** An output path the user gave that Lowbit refuses is a wrong argument: exit 1, one line. */
function expectOneLineRefusal(r: { code: number; stderr: string }, pattern: RegExp, code = 1): void {
  expect(r.code).toBe(code);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe('uf2 --out and flash --protocol uf2 --out', () => {
  for (const cmd of [UF2, FLASH]) {
    it(`${cmd[0]}: refuses the model, a hard link and a symbolic link to it; the model is unchanged`, async () => {
      for (const out of [MODEL, at('hard.uf2'), at('soft.uf2')])
        expectOneLineRefusal(
          await lowbitInProcess(...cmd, out),
          /refusing to overwrite the input .*hello\.tflite/,
        );
      expect(Buffer.compare(fs.readFileSync(MODEL), Buffer.from(hello))).toBe(0);
    });

    it(`${cmd[0]}: refuses a symbolic link at the output path, and does not touch its target`, async () => {
      expectOneLineRefusal(await lowbitInProcess(...cmd, at('link.uf2')), /link\.uf2: it is a symbolic link/);
      expect(fs.readFileSync(at('victim.txt'), 'utf8')).toBe('keep');
      expect(fs.lstatSync(at('link.uf2')).isSymbolicLink()).toBe(true);
    });

    it(`${cmd[0]}: a new path is written whole, with no temp file left`, async () => {
      const out = at(`${cmd[0]}-new.uf2`);
      expect((await lowbitInProcess(...cmd, out)).code).toBe(0);
      expect(fs.statSync(out).size % 512).toBe(0);
      expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  }
});

describe('export', () => {
  it('refuses a --name that is a path or holds a newline (exit 1, one line), writing nothing', async () => {
    for (const name of ['../../x', 'a\nb', '1st'])
      expectOneLineRefusal(
        await lowbitInProcess('export', MODEL, '--format', 'container', '--out', at('exp'), '--name', name),
        /is not a valid file base name/,
      );
    expect(fs.existsSync(at('x.lbm'))).toBe(false);
  });

  it('an --out that is a file is a clear error (exit 2, one line)', async () => {
    expectOneLineRefusal(
      await lowbitInProcess('export', MODEL, '--format', 'tflm', '--out', at('victim.txt/sub')),
      /victim\.txt\/sub: /,
      2,
    );
  });
});

describe('a BOOTSEL drive', () => {
  it('file names cannot leave the drive folder, and a link on the drive is not written through', () => {
    const drive = at('RPI-RP2');
    fs.mkdirSync(drive);
    const d = { mount: drive, boardId: 'RPI-RP2', model: 'm', family: 'rp2040' as const };
    for (const name of ['../../x.uf2', '..\\..\\x.uf2', '/etc/x.uf2', '.hidden.uf2', 'a\nb.uf2', '..', ''])
      expect(path.dirname(copyToUf2Drive(d, name, Uint8Array.of(1)))).toBe(drive);
    expect(uf2DriveFileName('../../x.uf2')).toBe('x.uf2');
    expect(uf2DriveFileName('..')).toBe('model.uf2');
    expect(fs.existsSync(at('x.uf2'))).toBe(false);
    fs.symlinkSync(at('victim.txt'), path.join(drive, 'm.uf2'));
    expect(() => copyToUf2Drive(d, 'm.uf2', Uint8Array.of(1))).toThrow(/m\.uf2: it is a symbolic link/);
    expect(fs.readFileSync(at('victim.txt'), 'utf8')).toBe('keep');
  });
});
