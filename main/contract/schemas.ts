/**
 * Argument schemas for every contract method: main validates every argument it receives with
 * these before doing anything (the renderer is not trusted more than a web page).
 */
import { z } from 'zod';
import type { ArgsOf, FlashParams, Method, ModelExportFormatId, OptimizeTechnique } from './types';

const id = z.string().min(1).max(128);
const empty = z.object({}).strict();
const filePath = z.string().min(1).max(4096);
/**
 * A registry id (technique, device family, export format): only its shape is checked here; the service looks it
 * up in the engine's registry, the one list, so adding an entry never needs an edit here.
 */
const registryId = <T extends string>() =>
  z.custom<T>((v) => typeof v === 'string' && /^[a-z0-9-]{1,64}$/.test(v), 'expected a short lowercase id');

const flashParams = z
  .object({
    modelId: id,
    port: z.string().min(1).max(1024),
    protocol: registryId<FlashParams['protocol']>(),
    partition: z.string().min(1).max(16).optional(),
    address: z.number().int().min(0).max(0xffffffff).optional(),
    baud: z.number().int().min(1200).max(4_000_000).optional(),
    board: id.optional(),
  })
  .strict()
  .refine((p) => !(p.partition && p.address !== undefined), 'give a partition or an address, not both');

const modelIo = z.enum(['float', 'int8', 'uint8', 'int16']);
const calibrationMethod = z.enum(['minmax', 'moving-average', 'percentile', 'mse']);

const optimizeParams = z
  .object({
    modelId: id,
    technique: registryId<OptimizeTechnique>(),
    calibrationDatasetId: id.optional(),
    calibrationSamples: z.number().int().min(1).max(100_000).optional(),
    evaluationDatasetId: id.optional(),
    evaluationSamples: z.number().int().min(1).max(1_000_000).optional(),
    io: modelIo.optional(),
    keepFloat: z.array(z.string().min(1).max(256)).max(256).optional(),
    calibrationMethod: calibrationMethod.optional(),
    board: id.optional(),
    edgetpu: z.boolean().optional(),
    workers: z.number().int().min(1).max(64).optional(),
    target: z.enum(['cpu', 'gpu', 'edgetpu', 'mcu', 'dsp']).optional(),
  })
  .strict();

const compareParams = z
  .object({
    modelId: id,
    candidates: z
      .array(z.object({ technique: registryId<OptimizeTechnique>(), io: modelIo.optional() }).strict())
      .min(1)
      .max(16)
      .refine(
        (c) => new Set(c.map((x) => x.technique)).size === c.length,
        'each technique once (one run per technique)',
      ),
    calibrationDatasetId: id.optional(),
    calibrationSamples: z.number().int().min(1).max(100_000).optional(),
    evaluationDatasetId: id.optional(),
    evaluationSamples: z.number().int().min(1).max(1_000_000).optional(),
    calibrationMethod: calibrationMethod.optional(),
    board: id.optional(),
    edgetpu: z.boolean().optional(),
    workers: z.number().int().min(1).max(64).optional(),
  })
  .strict();

/**
 * A recipe as typed ("prune:0.5,cluster:16,qat"): its shape here, its steps in the service (the
 * engine's recipe registry parses it, the one list of recipes).
 */
const recipe = z
  .string()
  .min(1)
  .max(256)
  .regex(
    /^[a-z0-9]+(:[0-9.]+)*(,[a-z0-9]+(:[0-9.]+)*)*$/,
    'expected steps like qat or prune:0.5,cluster:16,qat',
  );

const trainParams = z
  .object({
    modelId: id,
    datasetId: id,
    recipe,
    epochs: z.number().int().min(1).max(1000).optional(),
    batchSize: z.number().int().min(1).max(65_536).optional(),
    learningRate: z.number().gt(0).max(10).optional(),
    valSplit: z.number().gt(0).lt(1).optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    workers: z.number().int().min(1).max(64).optional(),
    evaluationDatasetId: id.optional(),
  })
  .strict();

/** A session file's text: at most 256 MiB (its models travel inside it, base64). */
export const MAX_SESSION_TEXT = 256 * 1024 * 1024;

export const argSchemas: { [M in Method]: z.ZodType<ArgsOf<M>> } = {
  'app.info': empty as z.ZodType<Record<string, never>>,
  'model.open': z.object({ path: z.string().min(1).max(4096).optional() }).strict(),
  'model.load': z
    .object({
      name: z.string().min(1).max(255),
      bytes: z.instanceof(Uint8Array).refine((b) => b.length <= 2 ** 31, 'model too large'),
    })
    .strict(),
  'model.inspect': z.object({ modelId: id }).strict(),
  'model.analyze': z.object({ modelId: id }).strict(),
  'model.close': z.object({ modelId: id }).strict(),
  'model.conversion': z.object({ modelId: id }).strict(),
  'model.recent': empty as z.ZodType<Record<string, never>>,
  'jobs.start': z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('model.verify'), params: z.object({ modelId: id }).strict() }).strict(),
    z.object({ kind: z.literal('optimize.run'), params: optimizeParams }).strict(),
    z.object({ kind: z.literal('optimize.compare'), params: compareParams }).strict(),
    z.object({ kind: z.literal('deploy.flash'), params: flashParams }).strict(),
    z
      .object({
        kind: z.literal('devices.coralFirmware'),
        params: z.object({ timeoutSec: z.number().int().min(1).max(600).optional() }).strict(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('edgetpu.compile'),
        params: z
          .object({
            modelId: id,
            minRuntime: z.number().int().min(10).max(99).optional(),
            showOperations: z.boolean().optional(),
            timeoutSec: z.number().int().min(1).max(3600).optional(),
          })
          .strict(),
      })
      .strict(),
    z.object({ kind: z.literal('train.run'), params: trainParams }).strict(),
  ]),
  'jobs.cancel': z.object({ jobId: id }).strict(),
  'jobs.stop': z.object({ jobId: id }).strict(),
  'demo.open': empty as z.ZodType<Record<string, never>>,
  'datasets.open': z
    .object({
      modelId: id,
      path: filePath.optional(),
      preprocess: z.string().max(512).optional(),
      split: z.enum(['t10k', 'train', 'calibration']).optional(),
      labelled: z.boolean().optional(),
      purpose: z.literal('training').optional(),
    })
    .strict(),
  'datasets.preview': z.object({ datasetId: id, count: z.number().int().min(1).max(32) }).strict(),
  'datasets.close': z.object({ datasetId: id }).strict(),
  'advisor.recommend': z
    .object({
      modelId: id.optional(),
      data: z.enum(['none', 'unlabelled', 'labelled']),
      samples: z.number().int().min(0).max(1e9).optional(),
      retrain: z.boolean(),
      target: z.enum(['cpu', 'gpu', 'edgetpu', 'mcu', 'dsp']),
      priority: z.enum(['size', 'latency', 'accuracy']),
      limits: z
        .object({
          maxModelBytes: z
            .number()
            .int()
            .positive()
            .max(2 ** 40)
            .optional(),
          maxRamBytes: z
            .number()
            .int()
            .positive()
            .max(2 ** 40)
            .optional(),
          maxAccuracyLossPoints: z.number().min(0).max(100).optional(),
        })
        .strict()
        .optional(),
      board: id.optional(),
    })
    .strict(),
  'boards.list': empty as z.ZodType<Record<string, never>>,
  'deploy.fit': z.object({ modelId: id, board: id.optional() }).strict(),
  'model.save': z
    .object({ modelId: id, path: filePath.optional(), overwrite: z.boolean().optional() })
    .strict(),
  'model.bytes': z.object({ modelId: id }).strict(),
  'devices.list': empty as z.ZodType<Record<string, never>>,
  'deploy.export': z
    .object({ modelId: id, format: registryId<ModelExportFormatId>(), save: z.boolean().optional() })
    .strict(),
  'edgetpu.check': z.object({ modelId: id }).strict(),
  'edgetpu.compiler': empty as z.ZodType<Record<string, never>>,
  'graph.layout': z.object({ modelId: id, subgraph: z.number().int().min(0).max(100_000) }).strict(),
  'graph.tensor': z
    .object({
      modelId: id,
      subgraph: z.number().int().min(0).max(100_000),
      tensor: z.number().int().min(0).max(10_000_000),
      bins: z.number().int().min(1).max(256).optional(), // MAX_HISTOGRAM_BINS (engine/model/graph-details.ts)
    })
    .strict(),
  'graph.export': z
    .object({
      modelId: id,
      kind: z.enum(['svg', 'png']),
      bytes: z.instanceof(Uint8Array).refine((b) => b.length <= 256 * 2 ** 20, 'image larger than 256 MiB'),
      path: filePath.optional(),
    })
    .strict(),
  'runs.list': z.object({ sessionId: id }).strict(),
  'runs.export': z
    .object({
      sessionId: id,
      format: z.enum(['html', 'markdown', 'json', 'session']),
      runIds: z.array(id).min(1).max(1000).optional(),
      save: z.boolean().optional(),
    })
    .strict(),
  'runs.open': z.object({ sessionId: id, text: z.string().min(1).max(MAX_SESSION_TEXT) }).strict(),
};
