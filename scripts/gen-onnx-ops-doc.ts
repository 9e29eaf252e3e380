// Writes docs/onnx-ops.md: per ONNX op, how many of ONNX's backend node tests (Debian
// libonnx-testdata) convert to TFLite and match, and how many the converter refuses by name.
// Run: npm run gen:onnx-ops (test/integration/onnx-node-tests.test.ts fails when the file is stale).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  listNodeTests,
  NODE_TESTS_SOURCE,
  nodeTestsAvailable,
  ONNX_NODE_TESTS_DIR,
  runNodeTest,
} from '../test/support/onnx-node-tests';
import { onnxOpsReport } from '../test/support/onnx-ops-report';

if (!nodeTestsAvailable()) {
  console.error(`${ONNX_NODE_TESTS_DIR} is missing: apt-get install libonnx-testdata`);
  process.exit(1);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outcomes = listNodeTests().map((t) => runNodeTest(t));
fs.writeFileSync(path.join(root, 'docs/onnx-ops.md'), onnxOpsReport(outcomes, NODE_TESTS_SOURCE));
console.error(
  `wrote docs/onnx-ops.md (${outcomes.filter((o) => o.status === 'pass').length}/${outcomes.length} pass)`,
);
