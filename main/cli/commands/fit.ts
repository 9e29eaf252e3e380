import { UsageError, type CliCommand } from '../command';
import { parse } from '../args';
import { JSON_FLAG } from '../options';
import { BOARDS, boardById } from '../../engine/deploy/boards';
import { estimateFootprint, fitBoard } from '../../engine/deploy/fit';
import { footprintFacts } from '../../engine/deploy/footprint-facts';
import { openModelFile } from '../../files/model-file';
import { formatBytes, table } from '../format/table';

/** `lowbit fit`'s exit code when nothing fits (0-3 are every command's: ok, usage, bad input, internal). */
const EXIT_NOTHING_FITS = 4;

export const command: CliCommand = {
  name: 'fit',
  summary: 'Will the model fit a microcontroller? Flash and RAM per board, with the basis of each figure',
  usage: `usage: lowbit fit MODEL [--board ID] [--json]

Estimates flash (model + TFLite Micro runtime + the kernels the model uses) and RAM (tensor arena
from Lowbit's lifetime planner + TFLM bookkeeping + margin) and checks every board in the
catalogue, or just --board ID. Board ids: ${BOARDS.map((b) => b.id).join(', ')}.

Exit code ${EXIT_NOTHING_FITS} (after the table or JSON) when the model fits none of the boards checked: with
--board ID, that board; otherwise, every board in the catalogue. 0 when at least one fits.`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      { ...JSON_FLAG, board: { type: 'string' } },
      { minPositionals: 1, maxPositionals: 1 },
    );
    const file = positionals[0]!;
    const boards = values.board ? [boardById(values.board)] : [...BOARDS];
    if (boards[0] === undefined)
      throw new UsageError(`unknown board "${values.board}": one of ${BOARDS.map((b) => b.id).join(', ')}`);
    const { tflite: model, bytes } = openModelFile(file);
    const facts = footprintFacts(model, bytes.length);
    const estimate = estimateFootprint(facts);
    const fits = boards.map((b) => fitBoard(estimate, b!));
    // A script (CI, a Makefile) asks "does it fit?": the exit code answers without parsing.
    const code = fits.some((f) => f.fits) ? 0 : EXIT_NOTHING_FITS;
    if (values.json) {
      ctx.out(JSON.stringify({ model: file, facts, estimate, boards: fits }, null, 2));
      return code;
    }
    const e = estimate;
    ctx.out(
      [
        `${file}: ${facts.ops.length} op types, arena ${formatBytes(facts.arenaBytes)}`,
        '',
        table(
          ['budget', 'bytes', 'basis'],
          [
            ['flash: model', e.flash.model.bytes, e.flash.model.basis],
            ['flash: TFLM runtime', e.flash.runtime.bytes, e.flash.runtime.basis],
            ['flash: kernels', e.flash.kernels.bytes, e.flash.kernels.basis],
            ['flash total', e.flash.total, ''],
            ['RAM: tensor arena', e.ram.arena.bytes, e.ram.arena.basis],
            ['RAM: TFLM bookkeeping', e.ram.persistent.bytes, e.ram.persistent.basis],
            ['RAM: margin', e.ram.margin.bytes, e.ram.margin.basis],
            ['RAM total', e.ram.total, ''],
          ],
        ),
        ...(e.missingKernels.length
          ? ['', `TFLite Micro has no kernel for: ${e.missingKernels.join(', ')}`]
          : []),
        '',
        table(
          ['board', 'flash', 'RAM', 'verdict'],
          fits.map((f) => [
            f.board,
            `${f.fitsFlash ? 'ok' : 'OVER'} ${signed(f.flashHeadroom)}`,
            `${f.fitsRam ? 'ok' : 'OVER'} ${signed(f.ramHeadroom)}`,
            f.fits ? 'fits' : 'does not fit',
          ]),
        ),
        '',
        'Estimates: confirm on target with the build map file and interpreter.arena_used_bytes().',
      ].join('\n'),
    );
    if (code !== 0)
      ctx.log(
        values.board
          ? `${file} does not fit ${values.board} (exit code ${EXIT_NOTHING_FITS})`
          : `${file} fits none of the ${fits.length} boards (exit code ${EXIT_NOTHING_FITS})`,
      );
    return code;
  },
};

function signed(n: number): string {
  return n >= 0 ? `+${formatBytes(n)}` : `-${formatBytes(-n)}`;
}
