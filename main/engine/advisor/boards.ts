import type { Board } from '../deploy/boards';
import { TFLM_CORE_BYTES, TFLM_OPS } from '../deploy/tflm-ops';
import type { BoardLimits } from './types';

/**
 * A catalogue board as the advisor's fit check sees it. With the model's ops, the flash budget
 * also reserves the TFLite Micro core and the kernels those ops register (the deploy engine's
 * per-op estimates), because they share the flash with the model.
 */
export function boardLimitsFor(
  board: Pick<Board, 'id' | 'name' | 'flashKB' | 'ramKB'>,
  ops?: readonly string[],
): BoardLimits {
  const limits: BoardLimits = {
    id: board.id,
    name: board.name,
    flashBytes: board.flashKB * 1024,
    ramBytes: board.ramKB * 1024,
  };
  if (ops) {
    // The model's current ops; an int8 conversion with int8 I/O keeps the same set.
    let kernels = 0;
    for (const op of new Set(ops)) kernels += TFLM_OPS[op]?.codeBytes ?? 0;
    limits.runtimeFlashBytes = TFLM_CORE_BYTES + kernels;
  }
  return limits;
}
