// Regenerates main/engine/tflite/edgetpu/generated/ (the reader of the Edge TPU executable
// package, file identifier "DWN1") from main/engine/tflite/edgetpu/schema/executable.fbs
// (google-coral/libedgetpu, Apache-2.0; see NOTICE beside it) with flatc compiled to WebAssembly.
// Run: npm run gen:edgetpu
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFlatbuffersTs } from './flatc-ts.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = path.join(root, 'main/engine/tflite/edgetpu/schema/executable.fbs');
const outDir = path.join(root, 'main/engine/tflite/edgetpu/generated');
const n = await generateFlatbuffersTs({ schemaPath, outDir, script: 'gen:edgetpu' });
console.error(`gen:edgetpu: wrote ${n} files to ${path.relative(root, outDir)}`);
