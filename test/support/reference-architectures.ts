/**
 * MACs and parameters of published architectures, computed from the papers' layer tables, not
 * from any model file: the analysis report's figures are checked against these.
 *
 * Convention (the papers'): one MAC per weight applied to one input value, over convolutions,
 * depthwise convolutions and the fully connected classifier; pooling, additions and activations
 * are not counted. Parameters are weights plus one bias per output channel (batch
 * normalization folded into the convolution before it, as every converter does).
 * Spatial sizes follow SAME padding: out = ceil(in / stride).
 */

export interface ArchitectureFigures {
  macs: number;
  params: number;
}

class Tally {
  macs = 0;
  params = 0;
  constructor(
    public size: number,
    public channels: number,
  ) {}
  /** A k×k convolution to `out` channels (groups = 1), with a bias. */
  conv(k: number, out: number, stride = 1): this {
    this.size = Math.ceil(this.size / stride);
    this.macs += this.size * this.size * out * k * k * this.channels;
    this.params += k * k * this.channels * out + out;
    this.channels = out;
    return this;
  }
  /** A k×k depthwise convolution (multiplier 1), with a bias. */
  depthwise(k: number, stride = 1): this {
    this.size = Math.ceil(this.size / stride);
    this.macs += this.size * this.size * this.channels * k * k;
    this.params += k * k * this.channels + this.channels;
    return this;
  }
  /** Global average pooling then the fully connected classifier (a 1×1 convolution in some graphs). */
  classifier(classes: number): this {
    this.macs += this.channels * classes;
    this.params += this.channels * classes + classes;
    this.channels = classes;
    this.size = 1;
    return this;
  }
}

/**
 * MobileNet v1 (Howard et al. 2017, arXiv:1704.04861, Table 1) at width multiplier `alpha`:
 * a 3×3 stride-2 convolution to 32α channels, 13 depthwise-separable blocks, global pooling and
 * the classifier. The last block's depthwise stride is 1, as in the reference implementation
 * (TF-Slim mobilenet_v1.py; Table 1 prints "s2" there, but the 7×7 map stays 7×7).
 * With a one-channel input (TFLM's person_detect) the first convolution has 1 input channel.
 */
export function mobilenetV1(
  alpha: number,
  resolution: number,
  inChannels: number,
  classes: number,
): ArchitectureFigures {
  const c = (n: number) => Math.round(n * alpha);
  const t = new Tally(resolution, inChannels).conv(3, c(32), 2);
  const blocks: [number, number][] = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [1024, 2],
    [1024, 1],
  ];
  for (const [out, stride] of blocks) t.depthwise(3, stride).conv(1, c(out));
  return t.classifier(classes);
}

/**
 * MobileNetV2 1.0 (Sandler et al. 2018, arXiv:1801.04381, Table 2): a 3×3 stride-2 convolution
 * to 32, inverted residual bottlenecks (expansion t, output c, repeats n, first stride s), a 1×1
 * convolution to 1280, global pooling, the classifier. The paper's Table 3 gives 300M
 * multiply-adds and 3.4M parameters for it at 224×224; torchvision's model card gives
 * 3,504,872 parameters (batch normalization unfolded: its scale and shift per channel).
 */
export function mobilenetV2(resolution: number, classes: number): ArchitectureFigures {
  const t = new Tally(resolution, 3).conv(3, 32, 2);
  const table: [number, number, number, number][] = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  for (const [expand, out, repeats, stride] of table) {
    for (let i = 0; i < repeats; i++) {
      if (expand !== 1) t.conv(1, t.channels * expand);
      t.depthwise(3, i === 0 ? stride : 1).conv(1, out);
    }
  }
  return t.conv(1, 1280).classifier(classes);
}

/**
 * ResNet-18 (He et al. 2016, arXiv:1512.03385, Table 1): a 7×7 stride-2 convolution to 64, a
 * 3×3 stride-2 max pool, four stages of two basic blocks (two 3×3 convolutions; the first block
 * of stages 2–4 halves the map and adds a 1×1 stride-2 projection), global pooling, the
 * classifier. torchvision's model card: 1.81 GFLOPS (counted as multiply-adds) and 11,689,512
 * parameters (batch normalization unfolded).
 */
export function resnet18(resolution: number, classes: number): ArchitectureFigures {
  const t = new Tally(resolution, 3).conv(7, 64, 2);
  t.size = Math.ceil(t.size / 2); // max pool
  for (const [width, stride] of [
    [64, 1],
    [128, 2],
    [256, 2],
    [512, 2],
  ] as const) {
    for (let block = 0; block < 2; block++) {
      const s = block === 0 ? stride : 1;
      if (s !== 1) {
        // The projection shortcut reads the block's input: count it on a copy.
        const proj = new Tally(t.size, t.channels).conv(1, width, s);
        t.macs += proj.macs;
        t.params += proj.params;
      }
      t.conv(3, width, s).conv(3, width);
    }
  }
  return t.classifier(classes);
}
