// Helper of scripts/onnx-fixtures.py: prints, as JSON, the argmax of onnxruntime-node's (CPU)
// first output for every sample of a raw little-endian float32 file, fed in batches of 500.
// Usage: node scripts/onnx-fixtures-ort.mjs MODEL.onnx X.f32 N,C,H,W
import fs from 'node:fs';
import ort from 'onnxruntime-node';

const [modelPath, rawPath, shapeText] = process.argv.slice(2);
const shape = shapeText.split(',').map(Number);
const perSample = shape.slice(1).reduce((a, b) => a * b, 1);
const bytes = fs.readFileSync(rawPath);
const all = new Float32Array(bytes.buffer, bytes.byteOffset, shape[0] * perSample);
const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'] });
const predictions = [];
for (let start = 0; start < shape[0]; start += 500) {
  const count = Math.min(500, shape[0] - start);
  const x = all.slice(start * perSample, (start + count) * perSample);
  const out = await session.run({
    [session.inputNames[0]]: new ort.Tensor('float32', x, [count, ...shape.slice(1)]),
  });
  const logits = out[session.outputNames[0]].data;
  const classes = logits.length / count;
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + best]) best = c;
    predictions.push(best);
  }
}
console.log(JSON.stringify(predictions));
