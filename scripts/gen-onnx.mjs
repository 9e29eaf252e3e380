// Generates the ONNX protobuf codec (main/engine/onnx/proto/onnx_pb.ts) from the official
// schema main/engine/onnx/proto/onnx.proto (ONNX 1.23.0, Apache-2.0; commit in onnx.COMMIT)
// with buf + protoc-gen-es (both from npm; nothing is downloaded).
// Run: npm run gen:onnx
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = 'main/engine/onnx/proto';
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const template = JSON.stringify({
  version: 'v2',
  plugins: [
    {
      local: bin('protoc-gen-es'),
      out: dir,
      opt: ['target=ts', 'import_extension=none'],
    },
  ],
});
execFileSync(bin('buf'), ['generate', dir, '--template', template], { cwd: root, stdio: 'inherit' });
const out = path.join(root, dir, 'onnx_pb.ts');
const text = fs.readFileSync(out, 'utf8');
const header = '// GENERATED from onnx.proto by protoc-gen-es. Do not edit: run `npm run gen:onnx`.\n';
fs.writeFileSync(out, header + text.replace(/^\/\/ GENERATED[^\n]*\n/, ''));
console.log(`${path.relative(root, out)}: ${fs.statSync(out).size} bytes`);
