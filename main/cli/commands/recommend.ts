import type { CliCommand, CliContext } from '../command';
import { UsageError } from '../command';
import { parse } from '../args';
import { JSON_FLAG } from '../options';
import {
  adviseTraining,
  boardLimitsFor,
  formatPlan,
  formatTraining,
  modelFactsFromReport,
  recommend,
  DATA_KINDS,
  PRIORITIES,
  TARGETS,
} from '../../engine/advisor';
import type {
  AdvisorInput,
  DataAvailability,
  DataKind,
  ModelFacts,
  Priority,
  Target,
} from '../../engine/advisor';
import { BOARDS, boardById } from '../../engine/deploy/boards';
import { LowbitError } from '../../engine/errors';
import { Interpreter } from '../../engine/interpreter';
import { openModelFile } from '../../files/model-file';

const USAGE = `usage: lowbit recommend --data none|unlabelled|labelled [--samples N] [--retrain]
                        --target cpu|gpu|edgetpu|mcu|dsp --priority size|latency|accuracy
                        [--board ID] [--max-bytes N] [--max-ram N] [--max-loss PTS]
                        [--int8-loss PTS] [--model M] [--json]

Recommends how to optimize a model: the technique(s) to run first, why, the expected effect
(size, speed on the target, accuracy risk), the ranked alternatives, what is not possible
with what you have and what would unlock it, and with labelled data and --retrain the
training recipe (the JSON's "training", null otherwise).
  --data        what data you have: none, an unlabelled sample, or labelled data
  --samples N   how many items that data has (calibration wants 100–500)
  --retrain     the model may be fine-tuned: with --data labelled, the recipe for
                \`lowbit train\` is printed too (QAT, prune+cluster+QAT or distillation)
  --target      cpu (desktop/mobile CPU), gpu (mobile GPU), edgetpu (Coral Edge TPU),
                mcu (microcontroller), dsp (Hexagon-class DSP/NPU)
  --priority    what matters most: size, latency or accuracy
  --board ID    microcontroller board to check flash and RAM against (with --target mcu),
                by its id in assets/boards.json, e.g. nucleo-f446re
  --max-bytes N largest acceptable model file, bytes
  --max-ram N   largest acceptable working memory (tensor arena), bytes
  --max-loss P  largest acceptable accuracy loss, percentage points
  --int8-loss P accuracy loss measured for post-training int8 (ranks QAT first when over --max-loss)
  --model M     the .tflite model: its dtype, ops, size and arena refine the plan
  --json        print the plan object`;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined) throw new UsageError(`--${flag} is required (${allowed.join('|')})`);
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < 1)
    throw new UsageError(`--${flag} must be a whole number, at least 1 (got "${value}")`);
  return Number(value);
}

function points(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100)
    throw new UsageError(
      `--${flag} must be a number of percentage points between 0 and 100 (got "${value}")`,
    );
  return n;
}

/** Model facts from the file; the arena comes from the interpreter's planner when it can plan it. */
function factsFor(file: string, ctx: CliContext): ModelFacts {
  const { format, model: source, tflite: model, bytes } = openModelFile(file);
  const report = format.inspect(source, bytes.length);
  let arenaBytes: number | undefined;
  try {
    arenaBytes = Interpreter.create(model).arenaBytes;
  } catch (e) {
    // Unsupported ops only cost us the measured arena: fall back to the activation lower bound.
    if (!(e instanceof LowbitError)) throw e;
    ctx.log(`recommend: no arena measurement for ${file} (${e.message}); using the activation lower bound`);
  }
  return modelFactsFromReport(report, arenaBytes === undefined ? {} : { arenaBytes });
}

export const command: CliCommand = {
  name: 'recommend',
  summary: 'Recommend optimization techniques for your data, hardware and priority',
  usage: USAGE,
  async run(argv, ctx) {
    const { values } = parse(
      argv,
      {
        data: { type: 'string' },
        samples: { type: 'string' },
        retrain: { type: 'boolean' },
        target: { type: 'string' },
        priority: { type: 'string' },
        board: { type: 'string' },
        'max-bytes': { type: 'string' },
        'max-ram': { type: 'string' },
        'max-loss': { type: 'string' },
        'int8-loss': { type: 'string' },
        model: { type: 'string' },
        ...JSON_FLAG,
      },
      { maxPositionals: 0 },
    );
    const kind = oneOf<DataKind>('data', values.data, DATA_KINDS);
    const target = oneOf<Target>('target', values.target, TARGETS);
    const priority = oneOf<Priority>('priority', values.priority, PRIORITIES);
    const samples = wholeNumber('samples', values.samples);
    if (kind === 'none' && samples !== undefined)
      throw new UsageError('--samples needs --data unlabelled or labelled');
    const data: DataAvailability =
      kind === 'none' ? { kind } : samples === undefined ? { kind } : { kind, count: samples };

    const input: AdvisorInput = { data, retrain: !!values.retrain, target, priority };
    const maxModelBytes = wholeNumber('max-bytes', values['max-bytes']);
    const maxRamBytes = wholeNumber('max-ram', values['max-ram']);
    const maxAccuracyLossPoints = points('max-loss', values['max-loss']);
    const int8Loss = points('int8-loss', values['int8-loss']);
    if (maxModelBytes !== undefined || maxRamBytes !== undefined || maxAccuracyLossPoints !== undefined)
      input.limits = {
        ...(maxModelBytes !== undefined ? { maxModelBytes } : {}),
        ...(maxRamBytes !== undefined ? { maxRamBytes } : {}),
        ...(maxAccuracyLossPoints !== undefined ? { maxAccuracyLossPoints } : {}),
      };
    if (int8Loss !== undefined) input.measuredLoss = { int8: int8Loss };

    if (values.board !== undefined) {
      if (target !== 'mcu') throw new UsageError('--board applies to --target mcu');
      if (!boardById(values.board))
        throw new UsageError(
          `unknown board "${values.board}"; known boards: ${BOARDS.map((b) => b.id).join(', ')}`,
        );
    }
    if (values.model !== undefined) input.model = factsFor(values.model, ctx);
    if (values.board !== undefined)
      input.board = boardLimitsFor(
        boardById(values.board)!,
        input.model ? Object.keys(input.model.opCounts) : undefined,
      );

    const plan = recommend(input);
    // The same two parts as the app's wizard: the plan, and the recipe for Lowbit's trainer (null
    // without labelled data and --retrain, or for a model that is not float).
    const training = adviseTraining(input);
    if (values.json) ctx.out(JSON.stringify({ ...plan, training }, null, 2));
    else ctx.out(training ? `${formatPlan(plan)}\n\n${formatTraining(training)}` : formatPlan(plan));
    return 0;
  },
};
