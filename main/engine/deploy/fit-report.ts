/**
 * A model's footprint estimate with its fit on one catalogue board (or none): what the app shows
 * after an optimization and for `deploy.fit`. The estimate and the fit rules are fit.ts's.
 */
import { InvalidArgumentError } from '../errors';
import type { TflModel } from '../tflite/model';
import { boardById } from './boards';
import { estimateFootprint, fitBoard, type FitReport } from './fit';
import { footprintFacts } from './footprint-facts';

/** The footprint of a model and, when a board is named, its fit there (`fits` is empty otherwise). */
export function fitReport(model: TflModel, bytes: number, boardId?: string): FitReport {
  const estimate = estimateFootprint(footprintFacts(model, bytes));
  const board = boardId ? boardById(boardId) : undefined;
  if (boardId && !board) throw new InvalidArgumentError(`unknown board ${boardId}: see boards.list`);
  return { ...estimate, fits: board ? [fitBoard(estimate, board)] : [] };
}
