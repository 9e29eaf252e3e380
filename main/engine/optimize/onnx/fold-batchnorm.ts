/**
 * Folds a BatchNormalization that follows a Conv into the conv's weights and bias, before
 * quantization (what ONNX Runtime's pre-processing does by fusing Conv+BatchNormalization):
 *   w' = w · γ / √(var + ε),   b' = (b − mean) · γ / √(var + ε) + β,  per output channel.
 * Quantizing the folded conv costs one rounding instead of two (conv output, then BN output).
 * Only a conv whose output feeds that BatchNormalization alone, with constant float32 weights
 * and statistics, is folded; everything else is left as it is. The graph is modified in place.
 */
import type { GraphProto } from '../../onnx/proto/onnx_pb';
import {
  attributeFloat,
  consumersOf,
  dimsOf,
  floatValues,
  freshName,
  initializersOf,
  makeInitializer,
  namesIn,
  producersOf,
} from './graph';

/** Returns how many BatchNormalization nodes were folded. */
export function foldBatchNormIntoConv(graph: GraphProto): number {
  const consumers = consumersOf(graph);
  const producers = producersOf(graph);
  const constants = initializersOf(graph);
  const graphOutputs = new Set(graph.output.map((o) => o.name));
  const used = namesIn(graph);
  const removed = new Set<object>();
  for (const bn of graph.node) {
    if (bn.opType !== 'BatchNormalization' || bn.domain !== '') continue;
    if (bn.output.slice(1).some((o) => o && (consumers.has(o) || graphOutputs.has(o)))) continue;
    const conv = producers.get(bn.input[0]);
    if (!conv || conv.opType !== 'Conv' || conv.domain !== '') continue;
    if (graphOutputs.has(bn.input[0]) || consumers.get(bn.input[0])?.length !== 1) continue;
    const stats = bn.input.slice(1, 5).map((n) => constants.get(n));
    const weightTensor = constants.get(conv.input[1]);
    if (!weightTensor || stats.some((s) => !s)) continue;
    const [gamma, beta, mean, variance] = stats.map((s) => floatValues(s!));
    const weights = floatValues(weightTensor);
    if (!weights || !gamma || !beta || !mean || !variance) continue;
    const dims = dimsOf(weightTensor);
    const channels = dims[0];
    if ([gamma, beta, mean, variance].some((v) => v.length !== channels)) continue;
    const biasTensor = conv.input[2] ? constants.get(conv.input[2]) : undefined;
    if (conv.input[2] && !biasTensor) continue;
    const bias = biasTensor ? floatValues(biasTensor) : new Float32Array(channels);
    if (!bias || bias.length !== channels) continue;

    const epsilon = attributeFloat(bn, 'epsilon', 1e-5);
    const inner = weights.length / channels;
    const folded = new Float32Array(weights.length);
    const foldedBias = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      const factor = gamma[c] / Math.sqrt(variance[c] + epsilon);
      for (let k = c * inner; k < (c + 1) * inner; k++) folded[k] = weights[k] * factor;
      foldedBias[c] = (bias[c] - mean[c]) * factor + beta[c];
    }
    const weightName = freshName(used, `${conv.input[1]}_bn_folded`);
    const biasName = freshName(used, `${conv.name || conv.output[0]}_bias_bn_folded`);
    graph.initializer.push(
      makeInitializer(weightName, 'float32', dims, folded),
      makeInitializer(biasName, 'float32', [channels], foldedBias),
    );
    conv.input = [conv.input[0], weightName, biasName];
    conv.output = [bn.output[0]];
    removed.add(bn);
  }
  if (removed.size > 0) {
    graph.node = graph.node.filter((n) => !removed.has(n));
    dropUnusedInitializers(graph);
  }
  return removed.size;
}

/** Removes initializers no node reads and no graph output names. */
export function dropUnusedInitializers(graph: GraphProto): void {
  const read = new Set(graph.node.flatMap((n) => n.input));
  for (const o of graph.output) read.add(o.name);
  const dropped = new Set(graph.initializer.filter((t) => !read.has(t.name)).map((t) => t.name));
  graph.initializer = graph.initializer.filter((t) => !dropped.has(t.name));
  graph.input = graph.input.filter((v) => !dropped.has(v.name));
}
