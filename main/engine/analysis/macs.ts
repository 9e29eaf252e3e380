/**
 * Multiply-accumulates per operator, from shapes alone (the shapes after the interpreter's
 * prepare when it can run the model, the file's otherwise).
 *
 * What counts, as in the published MobileNet figures (Howard et al. 2017, Sandler et al. 2018:
 * "Mult-Adds") and STM32Cube.AI's "MACC" of its compute layers: one MAC per weight applied to
 * one input value. Convolutions, depthwise convolutions, transposed convolutions, fully
 * connected layers, matrix products and the weight matrices of recurrent cells count; element-wise
 * ops, pooling, activations, reshapes and softmax count 0 (a few operations per value, not
 * multiply-accumulates over weights). Custom operators (an Edge TPU-compiled segment) cannot be
 * counted from the file: null.
 */

/** The shapes of an operator's operands; null for an optional operand not given (-1). */
export interface OpShapes {
  op: string;
  inputs: (readonly number[] | null)[];
  outputs: (readonly number[] | null)[];
  /** Per input: does it hold constant data (weights)? */
  inputIsConst: boolean[];
  /** BATCH_MATMUL's adj_x: the lhs is transposed (its contracted dim is then its second last). */
  adjX?: boolean;
}

const count = (shape: readonly number[] | null | undefined): number =>
  shape ? shape.reduce((n, d) => n * Math.max(0, d), 1) : 0;

const last = (shape: readonly number[] | null | undefined): number =>
  shape && shape.length > 0 ? Math.max(0, shape[shape.length - 1]!) : 0;

/**
 * MACs of one operator; 0 for ops that are not multiply-accumulates over weights, null for
 * custom ops. Shapes with unknown dims (-1) count those dims as 0.
 */
export function opMacs(o: OpShapes): number | null {
  const out = o.outputs[0];
  const filter = o.inputs[1];
  switch (o.op) {
    case 'CONV_2D':
      // filter [Cout, kh, kw, Cin / groups]: every output value sums kh·kw·Cin/groups products.
      return filter && filter.length === 4 ? count(out) * filter[1]! * filter[2]! * filter[3]! : 0;
    case 'CONV_3D':
      // filter [kd, kh, kw, Cin, Cout]
      return filter && filter.length === 5
        ? count(out) * filter[0]! * filter[1]! * filter[2]! * filter[3]!
        : 0;
    case 'DEPTHWISE_CONV_2D':
      // filter [1, kh, kw, Cout]: every output value sums kh·kw products over its own channel.
      return filter && filter.length === 4 ? count(out) * filter[1]! * filter[2]! : 0;
    case 'TRANSPOSE_CONV': {
      // inputs: output shape, filter [Cout, kh, kw, Cin], input: every input value is spread
      // over kh·kw·Cout outputs.
      const input = o.inputs[2];
      return filter && filter.length === 4 ? count(input) * filter[0]! * filter[1]! * filter[2]! : 0;
    }
    case 'FULLY_CONNECTED':
      // weights [units, K]: every output value sums K products.
      return filter && filter.length >= 2 ? count(out) * last(filter) : 0;
    case 'BATCH_MATMUL': {
      // out [..., M, N]: every output value sums K products, K the lhs's contracted dim (its
      // last, or its second last when adj_x transposes it).
      const lhs = o.inputs[0];
      if (!lhs || lhs.length < 2) return 0;
      return count(out) * (o.adjX ? Math.max(0, lhs[lhs.length - 2]!) : last(lhs));
    }
    case 'UNIDIRECTIONAL_SEQUENCE_LSTM':
    case 'LSTM':
    case 'BIDIRECTIONAL_SEQUENCE_LSTM':
    case 'UNIDIRECTIONAL_SEQUENCE_RNN':
    case 'RNN': {
      // Every 2-D constant operand is a weight matrix applied once per time step and batch row
      // (input-to-gate, recurrent, projection); steps × batch = output values / output width.
      const outWidth = last(out);
      if (outWidth === 0) return 0;
      const rows = count(out) / outWidth;
      let perStep = 0;
      o.inputs.forEach((s, i) => {
        if (s && s.length === 2 && o.inputIsConst[i]) perStep += count(s);
      });
      return rows * perStep;
    }
    case 'SVDF': {
      // weights_feature [filters, input] and weights_time [filters, memory], once per batch row.
      const batch = o.inputs[0]?.[0] ?? 0;
      return Math.max(0, batch) * (count(o.inputs[1]) + count(o.inputs[2]));
    }
    case 'CUSTOM':
      return null;
    default:
      return 0;
  }
}
