/**
 * Warnings `lowbit evaluate` prints when its figures are probably not about the model: samples whose
 * shape differs from the model input (reshaped or resized on the way in), and an accuracy no
 * better than guessing. Both usually mean wrong preprocessing (scale, layout, channels) or labels
 * that do not belong to the samples; the figures are still printed.
 */
import type { ResolvedPreprocess } from '../engine/datasets/preprocess';

const squeeze = (shape: readonly number[]) => shape.filter((d) => d !== 1);
const same = (a: readonly number[], b: readonly number[]) => a.join(',') === b.join(',');

/**
 * A warning when one stored sample's shape is not the model input's (batch and size-1 dimensions
 * aside; an NCHW input is compared as HWC, the way images are stored), else undefined. Nothing
 * when the shape is not known up front (an image folder: [] ) or the user asked for a resize.
 */
export function shapeWarning(
  dataset: string,
  sampleShape: readonly number[],
  pre: ResolvedPreprocess,
  modelShape: readonly number[],
  resizeAsked = false,
): string | undefined {
  if (sampleShape.length === 0) return undefined;
  const input = modelShape.slice(1);
  const asStored =
    pre.layout === 'nchw' && input.length === 3 ? [input[1]!, input[2]!, input[0]!] : [...input];
  const s = squeeze(sampleShape);
  if (same(s, squeeze(input)) || same(s, squeeze(asStored))) return undefined;
  const n = sampleShape.reduce((a, b) => a * b, 1);
  const m = input.reduce((a, b) => a * b, 1);
  if (n !== m && resizeAsked) return undefined;
  const how =
    n === m
      ? `the ${n} values are fed in stored order, reshaped`
      : `each sample is resized to ${pre.height}x${pre.width} with ${pre.channels} channel(s)`;
  return (
    `warning: dataset ${dataset} holds samples of shape [${sampleShape.join(',')}], the model input is ` +
    `[${modelShape.join(',')}]: ${how}; if the accuracy is low, check that this is what the model expects`
  );
}

/**
 * The accuracy guessing scores on these labels: the larger of 1/classes and the share of the most
 * common label (always answering it scores that much).
 */
export function chanceAccuracy(classes: number, labels: ArrayLike<number> | null, n: number): number {
  let majority = 0;
  if (labels && n > 0) {
    const counts = new Map<number, number>();
    for (let i = 0; i < Math.min(n, labels.length); i++)
      counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
    majority = Math.max(...counts.values()) / Math.min(n, labels.length);
  }
  return Math.max(classes > 0 ? 1 / classes : 0, majority);
}

/**
 * A warning for each model whose top-1 accuracy is within two standard deviations of chance (on
 * n samples, chance p scores p ± sqrt(p(1-p)/n)), i.e. not measurably better than guessing.
 */
export function chanceWarnings(
  rows: readonly { technique: string; accuracy: number | null }[],
  chance: number,
  classes: number,
  n: number,
): string[] {
  const bound = chance + 2 * Math.sqrt((chance * (1 - chance)) / Math.max(1, n));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return rows
    .filter((r) => r.accuracy !== null && r.accuracy <= bound)
    .map(
      (r) =>
        `warning: ${r.technique}: accuracy ${pct(r.accuracy!)} on ${n} samples is no better than chance ` +
        `(guessing scores ${pct(chance)} with ${classes} classes): check --preprocess (scale, layout, ` +
        `channels) and that the labels belong to these samples`,
    );
}
