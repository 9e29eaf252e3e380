import { UsageError, type CliCommand } from '../command';
import { parse } from '../args';
import { JSON_FLAG, REPORT_FLAG } from '../options';
import { compareTechniques } from '../../engine/evaluate/compare';
import { toJson } from '../../engine/evaluate/report';
import { TECHNIQUE_IDS } from '../../engine/optimize/index';
import { openDataset } from '../../files/dataset-open';
import { assetPath } from '../../files/assets';
import { openModelFile } from '../../files/model-file';
import { asSampleSet, calibrationSamples } from '../../engine/datasets/samples';
import { formatComparison } from '../format/comparison';
import { writeReportFiles } from '../report-files';

export const command: CliCommand = {
  name: 'demo',
  summary: 'Quantize the bundled Fashion-MNIST demo model four ways and compare (offline, no arguments)',
  usage: `usage: lowbit demo [--json] [--report DIR] [--model cnn|dwcnn]

Takes the bundled float32 demo model (trained by \`npm run train-demo\`) and its bundled data
(2,000 Fashion-MNIST test images, 500 calibration images), applies float16, dynamic range, full
integer int8 and 16x8, evaluates each on the test images and prints the comparison table:
technique, size, ratio, accuracy, delta, agreement, latency, speed-up, arena.
  --model      cnn (default: conv 12 3x3 -> maxpool -> dense 10) or dwcnn (with a depthwise conv)
  --report DIR also write report.json, report.md and report.html there`,
  async run(argv, ctx) {
    const { values } = parse(
      argv,
      { ...JSON_FLAG, ...REPORT_FLAG, model: { type: 'string' } },
      { maxPositionals: 0 },
    );
    const which = values.model ?? 'cnn';
    if (which !== 'cnn' && which !== 'dwcnn') throw new UsageError('--model must be cnn or dwcnn');
    const modelFile = assetPath('demo', which === 'cnn' ? 'fashion_cnn.tflite' : 'fashion_dwcnn.tflite');
    const dataDir = assetPath('demo', 'fashion-mnist');
    const { tflite: floatModel, bytes: floatBytes } = openModelFile(modelFile);
    const sg = floatModel.subgraphs[0]!;
    const inputShape = [...sg.tensors[sg.inputs[0]!]!.shape];
    const test = openDataset(dataDir, { inputShape, classes: 10, split: 't10k' });
    const calib = openDataset(dataDir, { inputShape, classes: 10, split: 'calibration' });
    const { report } = await compareTechniques({
      title: `Lowbit demo: ${which === 'cnn' ? 'Fashion-MNIST CNN' : 'Fashion-MNIST depthwise CNN'}`,
      datasetName: `Fashion-MNIST test subset (bundled)`,
      floatModel,
      floatBytes,
      calibration: calibrationSamples(calib, calib.length),
      test: asSampleSet(test),
      techniques: TECHNIQUE_IDS,
      signal: ctx.signal,
      onProgress: (p) =>
        ctx.progress(`${p.step === 'make' ? 'quantizing' : 'evaluating'} ${p.label}`, p.done, p.total),
    });
    if (values.report)
      for (const p of writeReportFiles(values.report, report, [modelFile])) ctx.log(`wrote ${p}`);
    ctx.out(values.json ? toJson(report) : formatComparison(report));
    return 0;
  },
};
