/**
 * Recipe steps by kind: `parseRecipe` reads the `--recipe` text, `createRecipes` makes each
 * step's hooks from its registered factory. One recipe = one file + one `registerRecipe` call
 * below (finetune here; qat, prune, cluster and distill in their own files).
 */
import { InvalidArgumentError } from '../../errors';
import type { RecipeStep } from '../api';
import { finetuneRecipe } from './finetune';
import type { Recipe, RecipeContext, RecipeFactory } from './types';

type Kind = RecipeStep['kind'];

const FACTORIES = new Map<Kind, RecipeFactory>();

/** Adds (or replaces) the implementation of a step kind. */
export function registerRecipe(kind: Kind, factory: RecipeFactory): void {
  FACTORIES.set(kind, factory);
}

/** Whether a step kind has an implementation. */
export function hasRecipe(kind: Kind): boolean {
  return FACTORIES.has(kind);
}

registerRecipe('finetune', finetuneRecipe);

const EXAMPLES = 'finetune, qat, qat16x8, prune:0.5, prune:2:4, cluster:16, distill:0.5';

function bad(text: string, why: string): never {
  throw new InvalidArgumentError(`recipe "${text}": ${why} (steps: ${EXAMPLES})`, { option: 'recipe' });
}

function num(part: string, text: string): number {
  if (!/^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(part)) bad(text, `"${part}" is not a number`);
  return Number(part);
}

/** One step from its text, e.g. "prune:0.5". */
function parseStep(s: string, text: string): RecipeStep {
  const [name, ...args] = s.split(':');
  const arity = (n: number) => {
    if (args.length !== n)
      bad(text, `"${s}" takes ${n === 0 ? 'no argument' : `${n} argument${n > 1 ? 's' : ''}`}`);
  };
  switch (name) {
    case 'finetune':
      arity(0);
      return { kind: 'finetune' };
    case 'qat':
      arity(0);
      return { kind: 'qat', activations: 'int8' };
    case 'qat16x8':
      arity(0);
      return { kind: 'qat', activations: 'int16' };
    case 'prune': {
      if (args.length === 2) {
        const n = num(args[0]!, text);
        const m = num(args[1]!, text);
        if (!Number.isInteger(n) || !Number.isInteger(m) || n < 1 || m < 2 || n >= m || m > 64)
          bad(text, `"${s}": N:M sparsity needs whole numbers 1 <= N < M <= 64 (e.g. prune:2:4)`);
        return { kind: 'prune-n-m', n, m };
      }
      arity(1);
      const sparsity = num(args[0]!, text);
      if (!(sparsity > 0 && sparsity < 1))
        bad(text, `"${s}": sparsity must be between 0 and 1 (e.g. prune:0.5)`);
      return { kind: 'prune', sparsity };
    }
    case 'cluster': {
      arity(1);
      const clusters = num(args[0]!, text);
      if (!Number.isInteger(clusters) || clusters < 2 || clusters > 256)
        bad(text, `"${s}": clusters must be a whole number from 2 to 256 (e.g. cluster:16)`);
      return { kind: 'cluster', clusters };
    }
    case 'distill': {
      arity(1);
      const width = num(args[0]!, text);
      if (!(width > 0 && width <= 1)) bad(text, `"${s}": width must be in (0, 1] (e.g. distill:0.5)`);
      return { kind: 'distill', width };
    }
    default:
      return bad(text, `unknown step "${name}"`);
  }
}

/**
 * Parses a recipe, steps separated by commas, left to right: `prune:0.5,cluster:16,qat`.
 * Errors (InvalidArgumentError, option 'recipe') for empty text, unknown steps, bad arguments,
 * a step given twice, a qat that is not last, and distill after another step (the student is
 * built before anything else trains).
 */
export function parseRecipe(text: string): RecipeStep[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) bad(text, 'empty step');
  const steps = parts.map((p) => parseStep(p.toLowerCase(), text));
  const family = (k: Kind) => (k === 'prune-n-m' ? 'prune' : k);
  const seen = new Set<string>();
  steps.forEach((st, i) => {
    const f = family(st.kind);
    if (seen.has(f)) bad(text, `"${f}" appears twice`);
    seen.add(f);
    if (st.kind === 'qat' && i !== steps.length - 1)
      bad(text, 'qat must be the last step (it quantizes the export)');
    if (st.kind === 'distill' && i !== 0) bad(text, 'distill must be the first step (it builds the student)');
  });
  return steps;
}

/** The hooks of every step, in recipe order. Errors for a step kind with no implementation. */
export function createRecipes(
  steps: readonly RecipeStep[],
  ctx: Omit<RecipeContext, 'step' | 'stepIndex'>,
): Recipe[] {
  return steps.map((step, stepIndex) => {
    const f = FACTORIES.get(step.kind);
    if (!f)
      throw new InvalidArgumentError(`recipe step "${step.kind}" is not available in this build`, {
        option: 'recipe',
      });
    return f(step, { ...ctx, step, stepIndex });
  });
}
