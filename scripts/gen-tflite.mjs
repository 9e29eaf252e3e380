// Regenerates main/engine/tflite/generated/ from ../shared/spec/tflite_schema.fbs
// (or the path given as the first argument) with flatc compiled to WebAssembly.
// Run: npm run gen:tflite
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFlatbuffersTs } from './flatc-ts.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = path.resolve(root, process.argv[2] ?? '../shared/spec/tflite_schema.fbs');
const outDir = path.join(root, 'main/engine/tflite/generated');
const n = await generateFlatbuffersTs({
  schemaPath,
  outDir,
  script: 'gen:tflite',
  flags: ['--gen-object-api'],
});
fs.copyFileSync(schemaPath, path.join(outDir, 'tflite_schema.fbs'));
console.error(`gen:tflite: wrote ${n} files to ${path.relative(root, outDir)}`);
