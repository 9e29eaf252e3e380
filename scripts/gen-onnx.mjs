// Generates the ONNX protobuf codec (main/engine/onnx/proto/onnx_pb.ts) from the official
// schema main/engine/onnx/proto/onnx.proto (ONNX 1.23.0, Apache-2.0; commit in onnx.COMMIT)
// with buf + protoc-gen-es (both from npm; nothing is downloaded).
// Run: npm run gen:onnx  (or `node scripts/gen-onnx.mjs --out DIR` to write DIR/onnx_pb.ts instead,
// as the test that the committed codec is up to date does)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = 'main/engine/onnx/proto';
const outAt = process.argv.indexOf('--out');
const outDir = outAt >= 0 ? path.resolve(process.argv[outAt + 1]) : path.join(root, dir);
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const template = JSON.stringify({
  version: 'v2',
  plugins: [
    {
      local: bin('protoc-gen-es'),
      out: outDir,
      opt: ['target=ts', 'import_extension=none'],
    },
  ],
});
execFileSync(bin('buf'), ['generate', dir, '--template', template], { cwd: root, stdio: 'inherit' });
const out = path.join(outDir, 'onnx_pb.ts');
const text = fs.readFileSync(out, 'utf8');
const header = '// GENERATED from onnx.proto by protoc-gen-es. Do not edit: run `npm run gen:onnx`.\n';
fs.writeFileSync(out, header + text.replace(/^\/\/ GENERATED[^\n]*\n/, ''));
console.log(`${path.relative(root, out)}: ${fs.statSync(out).size} bytes`);
