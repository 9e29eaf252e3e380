/**
 * The one sample vocabulary of the engine: what a dataset yields and what evaluation and
 * calibration consume, and the one way to pick samples spread evenly over a set.
 *
 * A dataset reader implements SampleSet (Dataset in dataset.ts adds a description); whatever
 * walks samples takes a SampleSet, so a new reader needs no adapter.
 */
import { DatasetError, throwIfAborted } from '../errors';
import type { ModelInputs } from '../tensor/model-inputs';

/** One example, preprocessed: what one model invocation takes, and its label when known. */
export interface Sample {
  /** One Float32Array per model input, already preprocessed to that input's shape. */
  inputs: ModelInputs;
  /** Class index, when the data is labelled. */
  label?: number;
  /** Where the sample came from, for messages: a file name, or file#index. */
  source?: string;
}

/** Samples by index, 0..length-1. */
export interface SampleSet {
  readonly length: number;
  get(i: number): Sample;
}

/** A SampleSet that can name its source in messages (every Dataset is one). */
export type NamedSampleSet = SampleSet & { describe(): { source: string } };

/**
 * Indices of at most `count` items spread evenly over `length` (index floor(k·length/n) for
 * k = 0..n-1, n = min(count, length)): deterministic, and it covers every part of a sorted set,
 * e.g. an image folder ordered by class. count >= length yields every index once, in order.
 */
export function evenlySpacedIndices(length: number, count: number): number[] {
  const n = Math.max(0, Math.min(Math.floor(count), length));
  return Array.from({ length: n }, (_v, k) => Math.floor((k * length) / n));
}

/** At most `count` of `items`, evenly spaced (all of them when count is undefined or 0). */
export function takeEvenly<T>(items: T[], count: number | undefined): T[] {
  if (!count || items.length <= count) return items;
  return evenlySpacedIndices(items.length, count).map((i) => items[i]!);
}

/** The first `limit` samples of a set (all of them when limit is undefined). */
export function asSampleSet(set: SampleSet, limit?: number): SampleSet {
  const length = limit !== undefined ? Math.min(limit, set.length) : set.length;
  return { length, get: (i) => set.get(i) };
}

/**
 * Representative data for the quantizer's calibration: `count` preprocessed samples (one
 * Float32Array per model input), evenly spaced across the set (evenlySpacedIndices). count >=
 * length yields every sample once; at least one sample is taken.
 */
export function* representativeSamples(
  set: NamedSampleSet,
  count: number,
  signal?: AbortSignal,
): Generator<ModelInputs> {
  if (set.length === 0) throw new DatasetError(`${set.describe().source}: no samples for calibration`);
  for (const i of evenlySpacedIndices(set.length, Math.max(1, count))) {
    throwIfAborted(signal);
    yield set.get(i).inputs;
  }
}

/** At most `n` calibration inputs spread evenly over the set (a class-sorted folder stays balanced). */
export function calibrationSamples(set: NamedSampleSet, n: number): ModelInputs[] {
  return [...representativeSamples(set, n)];
}
