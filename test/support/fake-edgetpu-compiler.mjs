// A stand-in for Coral's edgetpu_compiler (closed source, not available in CI), driven by
// environment variables, for the tests of main/files/edgetpu-compiler.ts:
//   FAKE_EDGETPU_ARGS      file to write the argv to (one JSON array)
//   FAKE_EDGETPU_STDOUT    file whose text is printed as the compiler's stdout
//   FAKE_EDGETPU_LOG       file whose text becomes <out>/<name>_edgetpu.log
//   FAKE_EDGETPU_COMPILED  file copied to <out>/<name>_edgetpu.tflite
//   FAKE_EDGETPU_MODE      "ok" (default), "fail" (exit 1 after printing), "hang" (never exits)
// Like the real compiler it takes [-s] [-m N] [-o DIR] MODEL and names outputs after MODEL.
import fs from 'node:fs';
import path from 'node:path';

const argv = process.argv.slice(2);
if (process.env.FAKE_EDGETPU_ARGS) fs.writeFileSync(process.env.FAKE_EDGETPU_ARGS, JSON.stringify(argv));
let out = '.';
const rest = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '-o') out = argv[++i];
  else if (argv[i] === '-m') i++;
  else if (argv[i] !== '-s') rest.push(argv[i]);
}
const model = rest[0];
const base = path.basename(model).replace(/\.tflite$/, '');
const stdout = process.env.FAKE_EDGETPU_STDOUT
  ? fs.readFileSync(process.env.FAKE_EDGETPU_STDOUT, 'utf8')
  : '';
process.stdout.write(stdout);
const mode = process.env.FAKE_EDGETPU_MODE ?? 'ok';
if (mode === 'hang') setInterval(() => {}, 1000);
else if (mode === 'fail') process.exit(1);
else {
  if (process.env.FAKE_EDGETPU_LOG)
    fs.copyFileSync(process.env.FAKE_EDGETPU_LOG, path.join(out, `${base}_edgetpu.log`));
  if (process.env.FAKE_EDGETPU_COMPILED)
    fs.copyFileSync(process.env.FAKE_EDGETPU_COMPILED, path.join(out, `${base}_edgetpu.tflite`));
}
