/**
 * Preset activation parameters (from a quantized ONNX model) for the full-integer rewrite's
 * tensor groups: each group of tensors that must share parameters takes the preset of its
 * earliest member (in execution order: the data flows from it) that has one; a member whose preset differs, or a group pinned to fixed output
 * parameters (SOFTMAX, LOGISTIC...), is listed as a change with what it becomes.
 */
import type { ActivationQuant, PresetChange, PresetParams } from './full-integer-types';

export function presetGroupParams(
  presets: PresetParams,
  groupOf: (tensor: number) => number,
  fixed: Map<number, ActivationQuant>,
  nameOf: (tensor: number) => string,
  changes: PresetChange[],
  /** Execution order of a tensor: the index of the op writing it, -1 for a model input. */
  writtenAt: (tensor: number) => number,
): Map<number, ActivationQuant> {
  const chosen = new Map<number, ActivationQuant>();
  const members = [...presets.activations].sort(([a], [b]) => writtenAt(a) - writtenAt(b) || a - b);
  for (const [tensor, p] of members) {
    const g = groupOf(tensor);
    if (!chosen.has(g)) chosen.set(g, fixed.get(g) ?? p);
  }
  for (const [tensor, p] of members) {
    const to = chosen.get(groupOf(tensor))!;
    if (to.scale === p.scale && to.zeroPoint === p.zeroPoint) continue;
    changes.push({
      tensor: nameOf(tensor),
      kind: 'activation',
      reason: fixed.has(groupOf(tensor))
        ? 'TFLite fixes the output parameters of this op'
        : 'TFLite needs one set of parameters across this op (pooling, reshape, concatenation...)',
      from: { scale: [p.scale], zeroPoint: [p.zeroPoint] },
      to: { scale: [to.scale], zeroPoint: [to.zeroPoint] },
    });
  }
  return chosen;
}
