/**
 * The committed ONNX codec (onnx_pb.ts) is what `npm run gen:onnx` makes from the committed
 * onnx.proto: regenerated into a temporary folder (buf and protoc-gen-es from node_modules,
 * nothing downloaded) and compared byte for byte.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../test/support/shared';

describe('the generated ONNX codec', () => {
  it('matches `npm run gen:onnx` output for the committed onnx.proto', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-gen-onnx-'));
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-onnx.mjs'), '--out', out], {
        cwd: ROOT,
        stdio: 'pipe',
      });
      const generated = fs.readFileSync(path.join(out, 'onnx_pb.ts'), 'utf8');
      const committed = fs.readFileSync(
        path.join(ROOT, 'main', 'engine', 'onnx', 'proto', 'onnx_pb.ts'),
        'utf8',
      );
      expect(generated.length).toBeGreaterThan(50_000);
      expect(
        generated === committed,
        'onnx_pb.ts differs from npm run gen:onnx output: run it and commit',
      ).toBe(true);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
