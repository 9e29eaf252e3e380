/**
 * A minimal stand-in for TFLite Micro's MicroMutableOpResolver, so generated TFLM sources compile
 * with plain g++ in tests: each Add…() call prints "op <NAME>" and counts against the template's N.
 */
import { TFLM_OPS } from '../../main/engine/deploy/tflm-ops';

export function stubResolverHeader(): string {
  const methods = Object.entries(TFLM_OPS)
    .map(([op, t]) => `  TfLiteStatus ${t.resolver}() { return Record("${op}"); }`)
    .join('\n');
  return `#pragma once
#include <cstdio>
typedef enum { kTfLiteOk = 0, kTfLiteError = 1 } TfLiteStatus;
namespace tflite {
template <unsigned int N>
class MicroMutableOpResolver {
 public:
${methods}
  unsigned int count = 0;
 private:
  TfLiteStatus Record(const char* op) {
    if (count >= N) return kTfLiteError;
    std::printf("op %s\\n", op);
    count++;
    return kTfLiteOk;
  }
};
}  // namespace tflite
`;
}
