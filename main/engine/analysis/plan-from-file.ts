/**
 * The arena plan of a model the interpreter cannot prepare (an Edge TPU-compiled segment, an
 * operator without a kernel), from the shapes stored in the file. Lifetimes follow
 * Interpreter.create exactly (a graph input from operator 0, a graph output to the last one,
 * every other activation from its first to its last use, intermediates included, constants and
 * variable tensors outside the arena) and placement is the interpreter's own planMemory, so for
 * a model the interpreter does prepare this gives its plan (analysis-models.test.ts checks it on
 * every shared model).
 */
import { ModelFormatError } from '../errors';
import { planMemory } from '../interpreter/planner';
import { dtypeBytes } from '../tensor/dtype';
import { dtypeOf } from '../tflite/dtype';
import type { TflModel } from '../tflite/model';

/**
 * Most activation tensors planned from a file. planMemory's placement is quadratic in them, and
 * this path runs on models the interpreter refused, which may be built to be slow; real models
 * have hundreds (the largest shared one 212 tensors in all).
 */
export const MAX_FILE_PLAN_TENSORS = 10_000;

/** planMemory's default alignment, which Interpreter.create plans with. */
export const PLAN_ALIGNMENT = 16;

export interface PlannedTensor {
  tensor: number;
  offset: number;
  /** Bytes before alignment; 0 for a tensor whose shape the file leaves unknown. */
  size: number;
  first: number;
  last: number;
}

export function planFromFile(
  model: TflModel,
  subgraph = 0,
): { arenaBytes: number; tensors: PlannedTensor[] } {
  const sg = model.subgraphs[subgraph];
  if (!sg) return { arenaBytes: 0, tensors: [] };
  const inArena = (i: number) => {
    const t = sg.tensors[i];
    if (!t || t.isVariable) return false;
    return (model.buffers[t.buffer]?.data.length ?? 0) === 0;
  };
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const touch = (i: number, op: number) => {
    if (i < 0 || !inArena(i)) return;
    if (!first.has(i) || op < first.get(i)!) first.set(i, op);
    if (!last.has(i) || op > last.get(i)!) last.set(i, op);
  };
  for (const i of sg.inputs) touch(i, 0);
  sg.operators.forEach((op, k) => {
    for (const i of op.inputs) touch(i, k);
    for (const i of op.outputs) touch(i, k);
    for (const i of op.intermediates) touch(i, k);
  });
  for (const i of sg.outputs) touch(i, Math.max(0, sg.operators.length - 1));

  if (first.size > MAX_FILE_PLAN_TENSORS)
    throw new ModelFormatError(
      `${first.size} activation tensors to plan from the file (at most ${MAX_FILE_PLAN_TENSORS} without Lowbit's interpreter)`,
    );
  const requests = [...first.keys()].map((id) => {
    const t = sg.tensors[id]!;
    const known = t.shape.every((d) => Number.isInteger(d) && d >= 0);
    const size = known ? t.shape.reduce((n, d) => n * d, 1) * dtypeBytes(dtypeOf(t.type)) : 0;
    return { id, size, first: first.get(id)!, last: last.get(id)! };
  });
  const plan = planMemory(requests, PLAN_ALIGNMENT);
  return {
    arenaBytes: plan.arenaBytes,
    tensors: plan.placements
      .map((p) => ({ tensor: p.id, offset: p.offset, size: p.size, first: p.first, last: p.last }))
      .sort((a, b) => a.tensor - b.tensor),
  };
}
