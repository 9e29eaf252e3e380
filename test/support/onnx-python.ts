/**
 * Debian's python3-onnx (and numpy) as the outside truth for ONNX tests: `runOnnxPython` runs a
 * script with /usr/bin/python3 (the pyenv python3 on PATH lacks the Debian packages), sends it
 * JSON on stdin and parses the JSON it prints. Tests that need it skip with the printed reason
 * from `onnxPythonMissing()` when it is absent.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
/** ONNX's backend node tests from Debian's libonnx-testdata. */
export const ONNX_NODE_TESTS = '/usr/include/onnx/backend/test/data/node';

let missing: string | null | undefined;

/** Why python3-onnx cannot be used here, or null when it can (printed once when missing). */
export function onnxPythonMissing(): string | null {
  if (missing === undefined) {
    try {
      execFileSync(PYTHON, ['-c', 'import onnx, numpy'], { stdio: 'ignore' });
      missing = null;
    } catch {
      missing = `${PYTHON} cannot import onnx and numpy (Debian python3-onnx): skipping the checks against it`;
      console.warn(missing);
    }
  }
  return missing;
}

/** Runs `script` with JSON `input` on stdin; returns what it prints as JSON. */
export function runOnnxPython<T>(script: string, input: unknown = null): T {
  const out = execFileSync(PYTHON, ['-c', script], {
    input: JSON.stringify(input),
    maxBuffer: 256 * 2 ** 20,
    encoding: 'utf8',
  });
  return JSON.parse(out) as T;
}
