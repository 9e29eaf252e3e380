/**
 * The Edge TPU services: the compatibility check on an open model (engine/targets/edgetpu) and
 * whether Coral's edgetpu_compiler is installed (files/edgetpu-compiler.ts; never bundled).
 * Compiled models need nothing here: model.inspect reports their Edge TPU op.
 */
import type { ArgsOf, ResultOf } from '../contract/types';
import { checkEdgeTpu } from '../engine/targets/edgetpu/check';
import type { TflModel } from '../engine/tflite/model';
import { EDGETPU_COMPILER_HOWTO, findEdgeTpuCompiler } from '../files/edgetpu-compiler';

export interface EdgeTpuHost {
  getModel(id: string): { model: TflModel };
}

type EdgeTpuMethod = 'edgetpu.check' | 'edgetpu.compiler';
type EdgeTpuImpl = { [M in EdgeTpuMethod]: (args: ArgsOf<M>) => ResultOf<M> };

export function createEdgeTpu(host: EdgeTpuHost): { impl: EdgeTpuImpl } {
  return {
    impl: {
      'edgetpu.check': ({ modelId }) => checkEdgeTpu(host.getModel(modelId).model),
      'edgetpu.compiler': () => {
        const found = findEdgeTpuCompiler();
        return { path: found, howTo: found ? '' : EDGETPU_COMPILER_HOWTO };
      },
    },
  };
}
