// Compiles the WebAssembly text kernels (main/engine/**/wasm/*.wat) with wabt (its WebAssembly
// build, from npm) into committed TypeScript modules holding the binary as base64.
// Run: npm run gen:wasm
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import initWabt from 'wabt';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sources = [
  'main/engine/optimize/wasm/weights.wat',
  'main/engine/interpreter/kernels/wasm/conv.wat',
  'main/engine/train/graph/wasm/kernels.wat',
];
const wabt = await initWabt();
for (const rel of sources) {
  const text = fs.readFileSync(path.join(root, rel), 'utf8');
  const mod = wabt.parseWat(path.basename(rel), text, { simd: true });
  mod.validate();
  const { buffer } = mod.toBinary({ log: false, write_debug_names: false });
  mod.destroy();
  const out = path.join(root, rel.replace(/\.wat$/, '-wasm.generated.ts'));
  const b64 = Buffer.from(buffer).toString('base64');
  const lines = b64.match(/.{1,96}/g) ?? [];
  fs.writeFileSync(
    out,
    `// GENERATED from ${path.basename(rel)} by wabt. Do not edit: run \`npm run gen:wasm\`.\n` +
      `export const WASM_BASE64 =\n${lines.map((l) => `  '${l}'`).join(' +\n')};\n`,
  );
  console.log(`${rel}: ${buffer.length} bytes -> ${path.relative(root, out)}`);
}
