import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../interpreter/interpreter';
import { readTflite } from '../../tflite/reader';
import { writeTflite } from '../../tflite/writer';
import { Prng } from '../prng';
import { distillationLoss } from './loss';
import { buildStudent } from './student';

const DEMO = path.resolve(import.meta.dirname, '../../../../assets/demo');

describe('distill:W student (issue 15)', () => {
  it('fashion_dwcnn at W = 0.5: every width halved but the classifier, runs in the interpreter', () => {
    const teacher = readTflite(fs.readFileSync(path.join(DEMO, 'fashion_dwcnn.tflite')));
    const s = buildStudent(teacher, 0.5, 7);
    // Teacher: conv 3x3x16 (160) + depthwise 3x3 (160) + conv 1x1x32 (544) + dense 800→10 (8,010).
    expect(s.teacherParams).toBe(8874);
    // Student: conv 8 (80) + depthwise 8 (80) + conv 16 (144) + dense 400→10 (4,010): the
    // classifier's inputs shrink by W only, and it holds 90% of the parameters, so the ratio is
    // 0.486, not W² (issue 15 asks ≤ 0.30 at W = 0.5: not reachable by widths on this model).
    expect(s.studentParams).toBe(4314);
    expect(s.layers).toEqual([
      'CONV_2D #0 (conv2d_0): 16 → 8 channels',
      "DEPTHWISE_CONV_2D #2 (depthwise_conv2d_2): 16 → 8 channels (its input's × 1)",
      'CONV_2D #3 (conv2d_3): 32 → 16 channels',
      'FULLY_CONNECTED #6 (dense_6): 10 → 10 outputs from 800 → 400 inputs',
    ]);
    const bytesT = writeTflite(teacher).length;
    const bytesS = writeTflite(s.model).length;
    console.log(
      `fashion_dwcnn distill:0.5 student: ${s.studentParams}/${s.teacherParams} parameters ` +
        `(${(s.studentParams / s.teacherParams).toFixed(3)}), file ${bytesS}/${bytesT} B (${(bytesS / bytesT).toFixed(3)})`,
    );
    expect(bytesS / bytesT).toBeLessThan(0.55);
    // The student is a valid model: the interpreter plans and runs it, 10 probabilities out.
    const interp = Interpreter.create(s.model);
    interp.setInput(0, new Float32Array(784).fill(0.5));
    interp.invoke();
    const out = interp.output(0).data as Float32Array;
    expect(out.length).toBe(10);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // Seeded: the same seed gives the same bytes, another seed other weights.
    expect(writeTflite(buildStudent(teacher, 0.5, 7).model)).toEqual(writeTflite(s.model));
    expect(writeTflite(buildStudent(teacher, 0.5, 8).model)).not.toEqual(writeTflite(s.model));
    // The teacher is untouched.
    expect(writeTflite(teacher).length).toBe(bytesT);
    // At W = 0.25 the student is 2,130 parameters: 0.240 of the teacher.
    expect(buildStudent(teacher, 0.25, 7).studentParams).toBe(2130);
  });

  it('fashion_cnn at W = 0.5', () => {
    const teacher = readTflite(fs.readFileSync(path.join(DEMO, 'fashion_cnn.tflite')));
    const s = buildStudent(teacher, 0.5, 1);
    // conv 12 → 6 (60 of 120), dense 13·13·12 = 2028 → 1014 inputs (10,150 of 20,290).
    expect([s.studentParams, s.teacherParams]).toEqual([10210, 20410]);
  });
});

describe('distillation loss (Keras Distiller: α CE + (1 − α) T² KL)', () => {
  it('matches a direct evaluation and central finite differences', () => {
    const r = new Prng(3);
    const classes = 5;
    const count = 3;
    const z = Float64Array.from({ length: count * classes }, () => r.uniform(-3, 3));
    const t = Float64Array.from({ length: count * classes }, () => r.uniform(-3, 3));
    const y = [1, 4, 0];
    const g = new Float64Array(z.length);
    const L = distillationLoss(z, t, y, count, classes, count, g);
    // Direct: softmax probabilities, CE and KL written out.
    const sm = (v: number[], T: number) => {
      const e = v.map((a) => Math.exp(a / T));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((a) => a / s);
    };
    let direct = 0;
    for (let i = 0; i < count; i++) {
      const zi = Array.from(z.slice(i * classes, i * classes + classes));
      const ti = Array.from(t.slice(i * classes, i * classes + classes));
      const p = sm(ti, 3);
      const q = sm(zi, 3);
      const kl = p.reduce((a, pc, c) => a + pc * Math.log(pc / q[c]), 0);
      direct += 0.1 * -Math.log(sm(zi, 1)[y[i]]) + 0.9 * 9 * kl;
    }
    expect(L).toBeCloseTo(direct, 10);
    const h = 1e-6;
    for (let k = 0; k < z.length; k++) {
      const zp = Float64Array.from(z);
      const zm = Float64Array.from(z);
      zp[k] += h;
      zm[k] -= h;
      const scratch = new Float64Array(z.length);
      const fd =
        (distillationLoss(zp, t, y, count, classes, count, scratch) -
          distillationLoss(zm, t, y, count, classes, count, scratch)) /
        (2 * h) /
        count;
      expect(Math.abs(fd - g[k])).toBeLessThan(1e-6 * Math.max(1, Math.abs(g[k])));
    }
  });
});
