/**
 * Model facts come from untrusted files: corrupted models that still read must give facts the
 * advisor accepts and plans from, for every target, without throwing.
 */
import { describe, expect, it } from 'vitest';
import { modelFactsFromReport, recommend, TARGETS } from '../../main/engine/advisor';
import { ModelFormatError } from '../../main/engine/errors';
import { inspectModel } from '../../main/engine/tflite/inspect';
import { readTflite } from '../../main/engine/tflite/reader';
import { mulberry32 } from '../support/random';
import { readBytes, sharedPath } from '../support/shared';

const MODELS = ['hello_world_float.tflite', 'person_detect.tflite', 'trained_lstm.tflite'];
const CORRUPTIONS = 150;

describe('advisor on corrupted models', () => {
  it.each(MODELS)('%s: every readable corruption yields a plan', (name) => {
    const original = readBytes(sharedPath('models', 'tflite-micro', name));
    const rand = mulberry32(0xad71 + original.length);
    let planned = 0;
    for (let i = 0; i < CORRUPTIONS; i++) {
      const bytes = original.slice();
      bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      let report;
      try {
        report = inspectModel(readTflite(bytes), bytes.length);
      } catch (e) {
        expect(e).toBeInstanceOf(ModelFormatError);
        continue;
      }
      const facts = modelFactsFromReport(report);
      for (const target of TARGETS) {
        const plan = recommend({
          data: { kind: 'unlabelled', count: 200 },
          retrain: false,
          target,
          priority: 'size',
          model: facts,
        });
        expect(plan.recommended === null || plan.recommended.steps.length > 0).toBe(true);
      }
      planned++;
    }
    // Most single-byte corruptions hit weights and still read: the loop must have planned some.
    expect(planned).toBeGreaterThan(CORRUPTIONS / 2);
  });
});
