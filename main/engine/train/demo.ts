/**
 * The two bundled demo models and their fixed training recipe. `npm run train-demo` and the
 * reproducibility test both use these, so the committed models can be regenerated exactly.
 */
import { writeTflite } from '../tflite/writer';
import { Network, type LayerConfig } from './network';
import { train, type EpochStats, type TrainData, type TrainOptions } from './trainer';

export interface DemoRecipe {
  name: string;
  file: string;
  summary: string;
  layers: LayerConfig[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  decay: number;
}

export const DEMO_SEED = 20240605;

/** Both demo models train on the same schedule: 3 epochs of batches of 32, learning rate halved each epoch. */
const DEMO_SCHEDULE = { epochs: 3, batchSize: 32, learningRate: 1e-3, decay: 0.5 };

/** The seed tutorial's model: Conv2D(12, 3x3, relu) -> MaxPool 2x2 -> Flatten -> Dense(10) -> softmax. */
export const FASHION_CNN: DemoRecipe = {
  name: 'fashion_cnn',
  file: 'fashion_cnn.tflite',
  summary: '28x28x1 -> conv 3x3x12 relu -> maxpool 2x2 -> flatten -> dense 10 -> softmax',
  layers: [
    { type: 'conv2d', filters: 12, kernel: [3, 3], activation: 'relu' },
    { type: 'max_pool2d', size: [2, 2] },
    { type: 'flatten' },
    { type: 'dense', units: 10 },
  ],
  ...DEMO_SCHEDULE,
};

/**
 * The slightly deeper model with a depthwise-separable block. A max pool sits before the
 * depthwise conv to keep training within a few minutes on 2 cores.
 */
export const FASHION_DWCNN: DemoRecipe = {
  name: 'fashion_dwcnn',
  file: 'fashion_dwcnn.tflite',
  summary:
    '28x28x1 -> conv 3x3x16 relu -> maxpool 2x2 -> depthwise 3x3 relu -> conv 1x1x32 relu -> maxpool 2x2 -> flatten -> dense 10 -> softmax',
  layers: [
    { type: 'conv2d', filters: 16, kernel: [3, 3], activation: 'relu' },
    { type: 'max_pool2d', size: [2, 2] },
    { type: 'depthwise_conv2d', kernel: [3, 3], activation: 'relu' },
    { type: 'conv2d', filters: 32, kernel: [1, 1], activation: 'relu' },
    { type: 'max_pool2d', size: [2, 2] },
    { type: 'flatten' },
    { type: 'dense', units: 10 },
  ],
  ...DEMO_SCHEDULE,
};

export const DEMO_RECIPES = [FASHION_CNN, FASHION_DWCNN];

export interface DemoTrainResult {
  net: Network;
  tflite: Uint8Array;
  stats: EpochStats[];
}

/** Trains one recipe on 28x28x1 samples (values in 0..1). `overrides` shrink it for tests. */
export function trainDemo(
  recipe: DemoRecipe,
  data: TrainData,
  seed = DEMO_SEED,
  overrides: Partial<Pick<TrainOptions, 'epochs' | 'onBatch' | 'signal'>> = {},
): DemoTrainResult {
  const net = new Network([28, 28, 1], recipe.layers, seed);
  const stats = train(net, data, {
    epochs: overrides.epochs ?? recipe.epochs,
    batchSize: recipe.batchSize,
    learningRate: recipe.learningRate,
    decay: recipe.decay,
    seed,
    onBatch: overrides.onBatch,
    signal: overrides.signal,
  });
  const tflite = writeTflite(net.toTflite(`Lowbit demo ${recipe.name}: ${recipe.summary}; seed ${seed}`));
  return { net, tflite, stats };
}
