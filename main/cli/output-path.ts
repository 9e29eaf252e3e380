/**
 * Every command that names an output file (--out FILE, or rewrite's OUT) checks it here as soon as
 * its flags are read, before any slow work (calibration, evaluation, conversion): the input is never
 * overwritten (refused at once, not after a minute of calibration), and a missing output folder is
 * created, the same way in every command (commands with an output folder call makeOutputDir).
 */
import path from 'node:path';
import { checkOutputPath, makeOutputDir } from '../files/write-file';

/** Refuses `out` when it is one of `inputs` (or a link, or not a regular file); makes its folder. */
export function prepareOutputFile(out: string, inputs: readonly (string | undefined)[]): void {
  checkOutputPath(
    out,
    inputs.filter((p): p is string => p !== undefined),
  );
  makeOutputDir(path.dirname(path.resolve(out)));
}
