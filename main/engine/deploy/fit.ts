/**
 * Will this model fit this board? Flash and RAM budgets with every figure's basis, so a user
 * can check the reasoning rather than trust a verdict.
 *
 * Flash = model bytes + TFLM core + the reference kernels the model registers (tflm-ops.ts).
 * RAM   = tensor arena (Lowbit's lifetime planner, the same greedy method as TFLM's, on this
 *         model) + TFLM's persistent allocations (per-tensor and per-node bookkeeping, per-channel
 *         quantization data) + a margin for kernel scratch buffers and alignment.
 * Both leave the application's own code, stack and heap out: the board must also fit those.
 */
import type { Board } from './boards';
import { TFLM_CORE_BYTES, TFLM_OPS } from './tflm-ops';

export interface ModelFootprintFacts {
  modelBytes: number;
  /** Distinct builtin op names, e.g. ['CONV_2D', 'SOFTMAX']. */
  ops: string[];
  /** Tensors in the subgraph (for TFLM's per-tensor bookkeeping). */
  tensorCount: number;
  /** Operators in the subgraph. */
  operatorCount: number;
  /** Sum of output channels over per-channel quantized CONV/DEPTHWISE/FC layers. */
  perChannelTotal: number;
  /** Arena bytes from the interpreter's planner. */
  arenaBytes: number;
}

export interface Figure {
  bytes: number;
  basis: string;
}

export interface FootprintEstimate {
  flash: { total: number; model: Figure; runtime: Figure; kernels: Figure };
  ram: { total: number; arena: Figure; persistent: Figure; margin: Figure };
  /** Ops TFLM has no kernel for (by our table): the model cannot run there as is. */
  missingKernels: string[];
}

/** Budgets with their basis, and the verdict for the chosen board (or for every MCU board). */
export interface FitReport extends FootprintEstimate {
  /** The chosen board, or every catalogue board when none was given. */
  fits: BoardFit[];
}

export interface BoardFit {
  board: string;
  name: string;
  flashBytes: number;
  ramBytes: number;
  fitsFlash: boolean;
  fitsRam: boolean;
  fits: boolean;
  /** Positive: bytes to spare; negative: bytes over. */
  flashHeadroom: number;
  ramHeadroom: number;
}

/** TFLM bookkeeping sizes on a 32-bit MCU: TfLiteEvalTensor (data, dims, type) and per node. */
const EVAL_TENSOR_BYTES = 12;
const TENSOR_DIMS_BYTES = 20; // TfLiteIntArray with up to 4 dims
const NODE_BYTES = 48; // TfLiteNode + registration pointer + op user data header
const PER_CHANNEL_BYTES = 8; // int32 multiplier + int32 shift per output channel
const RAM_MARGIN_RATIO = 0.1;
const RAM_MARGIN_MIN = 1024;

/** What TFLM's RAM budget counts besides the arena: the model's tensors, nodes and per-channel parameters. */
export interface RamCounts {
  tensorCount: number;
  operatorCount: number;
  perChannelTotal: number;
}

/**
 * RAM = arena + TFLM's persistent bookkeeping + margin: the one rule `lowbit fit`, the app's fit
 * panel and the advisor's board check share, so the three never disagree on the same model.
 */
export function ramBudget(
  arenaBytes: number,
  c: RamCounts,
): { total: number; persistent: number; margin: number } {
  const persistent =
    c.tensorCount * (EVAL_TENSOR_BYTES + TENSOR_DIMS_BYTES) +
    c.operatorCount * NODE_BYTES +
    c.perChannelTotal * PER_CHANNEL_BYTES;
  const margin = Math.max(RAM_MARGIN_MIN, Math.ceil((arenaBytes + persistent) * RAM_MARGIN_RATIO));
  return { total: arenaBytes + persistent + margin, persistent, margin };
}

export function estimateFootprint(f: ModelFootprintFacts): FootprintEstimate {
  const known = f.ops.filter((op) => TFLM_OPS[op]);
  const missingKernels = f.ops.filter((op) => !TFLM_OPS[op]);
  const kernels = known.reduce((n, op) => n + TFLM_OPS[op]!.codeBytes, 0);
  const { persistent, margin } = ramBudget(f.arenaBytes, f);
  return {
    flash: {
      total: f.modelBytes + TFLM_CORE_BYTES + kernels,
      model: {
        bytes: f.modelBytes,
        basis: 'the .tflite file, stored as is (alignas(16) array or container)',
      },
      runtime: {
        bytes: TFLM_CORE_BYTES,
        basis: 'TFLM interpreter, allocator and flatbuffer access: estimate for Cortex-M4F, -Os',
      },
      kernels: {
        bytes: kernels,
        basis: `reference kernels for ${known.length} op(s): ${known.join(', ') || 'none'} (per-op estimates, Cortex-M4F, -Os)`,
      },
    },
    ram: {
      total: f.arenaBytes + persistent + margin,
      arena: {
        bytes: f.arenaBytes,
        basis:
          "tensor arena planned by tensor lifetime (greedy, as TFLM's GreedyMemoryPlanner), measured on this model",
      },
      persistent: {
        bytes: persistent,
        basis: `${f.tensorCount} tensors × ${EVAL_TENSOR_BYTES + TENSOR_DIMS_BYTES} B + ${f.operatorCount} nodes × ${NODE_BYTES} B + ${f.perChannelTotal} per-channel params × ${PER_CHANNEL_BYTES} B`,
      },
      margin: {
        bytes: margin,
        basis: `${RAM_MARGIN_RATIO * 100}% (at least ${RAM_MARGIN_MIN} B) for kernel scratch buffers and alignment`,
      },
    },
    missingKernels,
  };
}

export function fitBoard(estimate: FootprintEstimate, board: Board): BoardFit {
  const flashBytes = board.flashKB * 1024;
  const ramBytes = board.ramKB * 1024;
  const flashHeadroom = flashBytes - estimate.flash.total;
  const ramHeadroom = ramBytes - estimate.ram.total;
  return {
    board: board.id,
    name: board.name,
    flashBytes,
    ramBytes,
    fitsFlash: flashHeadroom >= 0,
    fitsRam: ramHeadroom >= 0,
    fits: flashHeadroom >= 0 && ramHeadroom >= 0 && estimate.missingKernels.length === 0,
    flashHeadroom,
    ramHeadroom,
  };
}
