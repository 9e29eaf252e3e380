// Issue 15 (qat / qat16x8 / distill on the recipe hooks): a short QAT fine-tuning run of the
// demo model on the 500 held-out training images of the shipped subset, exported to int8, then
// scored by Lowbit's interpreter on 1,000 t10k images against post-training int8 of the same
// float model (calibrated on the same 500 images). The trained graph's own QAT-simulated forward
// and the exported model agree (logits within one step, classes except ties). The full
// Fashion-MNIST comparison is scripts/qat-fashion.ts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../main/engine/interpreter/interpreter';
import { quantizeFullInteger } from '../../main/engine/optimize/full-integer';
import { lintQuantization } from '../../main/engine/optimize/spec-lint';
import { readTflite } from '../../main/engine/tflite/reader';
import { asString } from '../../main/engine/tflite/names';
import { parseRecipe } from '../../main/engine/train/recipes/registry';
import { trainModel } from '../../main/engine/train/run';
import { TensorType } from '../../main/engine/tflite/generated/tflite';
import { ROOT } from '../support/shared';
import {
  argmax,
  asLabelledData,
  demoFashionPresent,
  loadDemoFashion,
  top1Accuracy,
} from '../support/demo-fashion';
import { runRecipeLoop } from '../support/recipe-loop';

describe.skipIf(!demoFashionPresent)('QAT training on the recipe hooks (issue 15)', () => {
  it('fashion_cnn qat, 1 epoch on 500 images: exported int8 vs post-training int8, simulated = exported', async () => {
    const model = readTflite(fs.readFileSync(path.join(ROOT, 'assets', 'demo', 'fashion_cnn.tflite')));
    const train = loadDemoFashion('calibration', 500);
    const test = loadDemoFashion('t10k', 1000);
    const run = runRecipeLoop(model, parseRecipe('qat'), train, {
      epochs: 1,
      batchSize: 32,
      learningRate: 1e-4,
      seed: 1,
    });
    const q = run.exported;
    expect(lintQuantization(q).filter((f) => f.severity === 'error')).toEqual([]);
    const ptq = (
      await quantizeFullInteger(
        model,
        train.inputs.map((x) => [x]),
      )
    ).model;
    const accFloat = top1Accuracy(model, test);
    const accQat = top1Accuracy(q, test);
    const accPtq = top1Accuracy(ptq, test);
    console.log(
      `fashion_cnn, 1,000 t10k: float ${accFloat.toFixed(4)}, PTQ int8 ${accPtq.toFixed(4)}, QAT int8 ${accQat.toFixed(4)} ` +
        `(1 epoch on 500 images); ${run.summaries.join('; ')}`,
    );
    // Measured (seeded, deterministic): float 0.9030, PTQ 0.9000, QAT 0.9110. The acceptance
    // (QAT ≥ PTQ and ≥ float − 0.1 point) holds here with a margin of about one point.
    expect(accQat).toBeGreaterThanOrEqual(accPtq);
    expect(accQat).toBeGreaterThanOrEqual(accFloat - 0.001);

    // The graph's QAT-simulated forward (evaluation mode) against the exported model's logits.
    const sgQ = q.subgraphs[0];
    const logitsName = asString(model.subgraphs[0].tensors[run.graph.logitsTensor].name);
    const logitsQ = sgQ.tensors.findIndex((t) => asString(t.name) === logitsName);
    const qp = sgQ.tensors[logitsQ].quantization!;
    const ls = qp.scale[0];
    const lz = Number(qp.zeroPoint[0]);
    const interp = Interpreter.create(q);
    let maxSteps = 0;
    let differ = 0;
    let classDiff = 0;
    let ties = 0;
    const n = 300;
    const x = new Float32Array(n * 784);
    for (let i = 0; i < n; i++) x.set(test.inputs[i], i * 784);
    const sim = Float32Array.from(run.graph.forward(x, n, false));
    for (let i = 0; i < n; i++) {
      interp.setInput(0, test.inputs[i]);
      let b: Float32Array | null = null;
      interp.invoke({
        observer: (_k, outs) => {
          for (const t of outs)
            if (t.index === logitsQ) b = Float32Array.from(t.data as Int8Array, (v) => (v - lz) * ls);
        },
      });
      const qv = b!;
      for (let c = 0; c < 10; c++) {
        const st = Math.round(Math.abs(sim[i * 10 + c] - qv[c]) / ls);
        if (st > 0) differ++;
        maxSteps = Math.max(maxSteps, st);
      }
      const pa = argmax(sim, i * 10, 10);
      const pb = argmax(qv);
      if (pa !== pb) {
        classDiff++;
        if (Math.abs(sim[i * 10 + pa] - sim[i * 10 + pb]) <= ls * 1.0001) ties++;
      }
    }
    console.log(
      `trained graph (simulated) vs exported int8 on ${n} t10k: logits differ on ${differ}/${n * 10} values, ` +
        `at most ${maxSteps} step(s); class differs on ${classDiff} (${ties} ties)`,
    );
    expect(maxSteps).toBeLessThanOrEqual(1);
    expect(classDiff).toBe(ties);
  });

  it('fashion_cnn qat16x8 through trainModel: int16 activations, spec-clean, accuracy at least post-training 16x8', async () => {
    const model = readTflite(fs.readFileSync(path.join(ROOT, 'assets', 'demo', 'fashion_cnn.tflite')));
    const train = loadDemoFashion('calibration', 500);
    const test = loadDemoFashion('t10k', 1000);
    const res = await trainModel(model, asLabelledData(train, 'calibration split'), {
      recipe: parseRecipe('qat16x8'),
      epochs: 1,
      batchSize: 32,
      learningRate: 1e-4,
      valSplit: 0.1,
      seed: 2,
    });
    const q = res.model;
    expect(lintQuantization(q).filter((f) => f.severity === 'error')).toEqual([]);
    const sg = q.subgraphs[0];
    const conv = sg.operators[1];
    expect(sg.tensors[conv.outputs[0]].type).toBe(TensorType.INT16);
    expect(sg.tensors[conv.inputs[1]].type).toBe(TensorType.INT8);
    const ptq16 = (
      await quantizeFullInteger(
        model,
        train.inputs.map((x) => [x]),
        { activations: 'int16' },
      )
    ).model;
    const accQat = top1Accuracy(q, test);
    const accPtq = top1Accuracy(ptq16, test);
    console.log(
      `fashion_cnn 16x8, 1,000 t10k: PTQ ${accPtq.toFixed(4)}, QAT ${accQat.toFixed(4)}; ${res.steps.join('; ')}`,
    );
    // Measured (seeded): PTQ 16x8 0.9010, QAT 16x8 0.9150.
    expect(accQat).toBeGreaterThanOrEqual(accPtq);
  });
});
