/**
 * Issue 18 (outputs): writeFileAtomic, the one writer of every output, never overwrites an input
 * (also through a hard or symbolic link), never writes through or replaces a symbolic link,
 * refuses what is not a regular file, and leaves no temp file behind.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeOutputDir, writeFileAtomic } from './write-file';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-write-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const at = (name: string) => path.join(tmp, name);
const text = (name: string) => fs.readFileSync(at(name), 'utf8');

describe('writeFileAtomic', () => {
  it('writes the new contents, replaces an old file, leaves no temp file', () => {
    writeFileAtomic(at('a.bin'), 'one');
    writeFileAtomic(at('a.bin'), Uint8Array.of(0x74, 0x77, 0x6f));
    expect(text('a.bin')).toBe('two');
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a name as long as the folder allows: the temp name still fits', () => {
    const long = `${'n'.repeat(250)}.out`;
    writeFileAtomic(at(long), 'x');
    expect(text(long)).toBe('x');
  });

  it('refuses the input, a hard link to it and a symbolic link to it; the input is unchanged', () => {
    fs.writeFileSync(at('model.tflite'), 'model');
    fs.linkSync(at('model.tflite'), at('hard.tflite'));
    fs.symlinkSync(at('model.tflite'), at('soft.tflite'));
    for (const out of ['model.tflite', 'hard.tflite', 'soft.tflite', './model.tflite'])
      expect(() => writeFileAtomic(at(out), 'evil', [at('model.tflite')])).toThrow(
        `refusing to overwrite the input ${at('model.tflite')}: choose another output path`,
      );
    // The input named through a link is protected too.
    expect(() => writeFileAtomic(at('model.tflite'), 'evil', [at('soft.tflite')])).toThrow(/refusing/);
    expect(text('model.tflite')).toBe('model');
  });

  it('never writes through a symbolic link, nor replaces it (dangling or not)', () => {
    fs.writeFileSync(at('victim.txt'), 'keep');
    fs.symlinkSync(at('victim.txt'), at('link.out'));
    fs.symlinkSync(at('nowhere'), at('dangling.out'));
    for (const out of ['link.out', 'dangling.out'])
      expect(() => writeFileAtomic(at(out), 'evil')).toThrow(
        `refusing to write ${at(out)}: it is a symbolic link (Lowbit neither writes through nor replaces links): give the real path`,
      );
    expect(text('victim.txt')).toBe('keep');
    expect(fs.lstatSync(at('link.out')).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(at('nowhere'))).toBe(false);
  });

  it('refuses a folder, a FIFO or a device at the output path', () => {
    fs.mkdirSync(at('folder'));
    execFileSync('mkfifo', [at('fifo')]);
    for (const out of [at('folder'), at('fifo'), '/dev/null'])
      expect(() => writeFileAtomic(out, 'x')).toThrow(
        `refusing to write ${out}: it exists and is not a regular file`,
      );
  });

  it('a folder that cannot be made is a one-line IoError naming it', () => {
    fs.writeFileSync(at('plain'), 'x');
    expect(() => makeOutputDir(at('plain/sub'))).toThrow(/^.*plain\/sub: .*$/);
    try {
      makeOutputDir(at('plain/sub'));
    } catch (e) {
      expect((e as { code: string }).code).toBe('IO');
      expect((e as Error).message).not.toContain('\n');
    }
  });
});
