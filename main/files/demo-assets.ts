/**
 * Where the bundled demo lives (assets/demo, written by `npm run train-demo`), for `lowbit demo`
 * and the app: the two float32 models, the shipped Fashion-MNIST subset and the training report.
 */
import path from 'node:path';
import { FASHION_CNN, FASHION_DWCNN } from '../engine/train/demo';

export interface DemoAssets {
  dir: string;
  /** The seed tutorial's CNN (the demo's main model). */
  model: string;
  /** The deeper CNN with a depthwise block. */
  depthwiseModel: string;
  /** IDX directory: split 't10k' = 2,000 test images, split 'calibration' = 500 held-out training images. */
  data: string;
  report: string;
}

/** `root` is the repository (or the packaged app's resources) directory. */
export function demoAssets(root = path.join(import.meta.dirname, '..', '..')): DemoAssets {
  const dir = path.join(root, 'assets', 'demo');
  return {
    dir,
    model: path.join(dir, FASHION_CNN.file),
    depthwiseModel: path.join(dir, FASHION_DWCNN.file),
    data: path.join(dir, 'fashion-mnist'),
    report: path.join(dir, 'train-report.json'),
  };
}
