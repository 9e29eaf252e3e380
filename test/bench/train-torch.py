#!/usr/bin/python3
"""PyTorch half of `npm run bench:train` (test/bench/train.ts): trains the architecture that
train.ts read from a .tflite, on CPU, for one epoch, and prints its figures as one JSON line.

usage: train-torch.py SPEC.json
  SPEC.json (written by train.ts):
    layers:   [{op: conv|depthwise|maxpool|flatten|dense, ...}] in execution order, where
              conv/depthwise/dense carry `weights` and `bias` as [offset, shape] into weightsFile
              (TFLite layouts: conv OHWI, depthwise 1HWC, dense [out, in]), `stride`, `padding`
              (valid|same), `activation` (none|relu|relu6); maxpool carries `size`, `stride`,
              `padding`; flatten flattens in NHWC order, as TFLite's RESHAPE does.
    weightsFile: float32 little-endian values the offsets index.
    data: folder with the four Fashion-MNIST IDX .gz files; trainCount: training images used
    (the first trainCount of the train split); testCount: test images scored after the epoch.
    batch, threads, lr, seed, epochs.
The network starts from the .tflite's own weights, trains with Adam (Keras' epsilon 1e-7) on
softmax cross-entropy, images scaled to 0..1, batches drawn from a seeded permutation; the last
partial batch is trained too, as Lowbit does. Timing covers the training loop only (forward,
backward, optimizer step); the data is in memory as a float32 tensor before the clock starts.
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def tf_same_pad(x, kh, kw, sh, sw, value=0.0):
    """TensorFlow's SAME padding (the extra row/column goes after), applied explicitly."""
    h, w = x.shape[2], x.shape[3]
    oh, ow = -(-h // sh), -(-w // sw)
    ph = max((oh - 1) * sh + kh - h, 0)
    pw = max((ow - 1) * sw + kw - w, 0)
    return F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2), value=value)


class Net(torch.nn.Module):
    def __init__(self, layers, weights):
        super().__init__()
        self.layers = layers
        self.params = torch.nn.ParameterList()
        for l in layers:
            if l['op'] in ('conv', 'depthwise', 'dense'):
                (wo, ws), (bo, bs) = l['weights'], l['bias']
                w = np.array(weights[wo:wo + int(np.prod(ws))]).reshape(ws)
                if l['op'] == 'conv':
                    w = w.transpose(0, 3, 1, 2)  # OHWI -> OIHW
                elif l['op'] == 'depthwise':
                    w = w.transpose(3, 0, 1, 2)  # 1HWC -> C1HW (groups = C, multiplier 1)
                l['w'] = len(self.params)
                self.params.append(torch.nn.Parameter(torch.tensor(np.ascontiguousarray(w))))
                l['b'] = len(self.params)
                self.params.append(torch.nn.Parameter(torch.tensor(weights[bo:bo + int(np.prod(bs))].copy())))

    def forward(self, x):  # x: NCHW
        for l in self.layers:
            op = l['op']
            if op in ('conv', 'depthwise'):
                w, b = self.params[l['w']], self.params[l['b']]
                sh, sw = l['stride']
                if l['padding'] == 'same':
                    x = tf_same_pad(x, w.shape[2], w.shape[3], sh, sw)
                x = F.conv2d(x, w, b, stride=(sh, sw), groups=x.shape[1] if op == 'depthwise' else 1)
            elif op == 'maxpool':
                kh, kw = l['size']
                sh, sw = l['stride']
                if l['padding'] == 'same':
                    x = tf_same_pad(x, kh, kw, sh, sw, value=float('-inf'))
                x = F.max_pool2d(x, (kh, kw), (sh, sw))
            elif op == 'flatten':
                x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # NHWC order, as the .tflite
            elif op == 'dense':
                x = F.linear(x, self.params[l['w']], self.params[l['b']])
            act = l.get('activation', 'none')
            if act == 'relu':
                x = F.relu(x)
            elif act == 'relu6':
                x = F.relu6(x)
        return x


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    torch.set_num_threads(spec['threads'])
    torch.manual_seed(spec['seed'])
    weights = np.fromfile(spec['weightsFile'], dtype='<f4')
    d = spec['data']
    n = spec['trainCount']
    xs = read_idx(os.path.join(d, 'train-images-idx3-ubyte.gz'))[:n]
    ys = read_idx(os.path.join(d, 'train-labels-idx1-ubyte.gz'))[:n]
    x = torch.tensor(xs.astype(np.float32) / 255.0).reshape(n, 1, 28, 28)
    y = torch.tensor(ys.astype(np.int64))
    net = Net(spec['layers'], weights)
    opt = torch.optim.Adam(net.parameters(), lr=spec['lr'], eps=1e-7)
    batch = spec['batch']
    epochs = spec.get('epochs', 1)
    gen = torch.Generator().manual_seed(spec['seed'])
    loss_sum, correct = 0.0, 0
    t0 = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen)
        loss_sum, correct = 0.0, 0
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            logits = net(xb)
            loss = F.cross_entropy(logits, yb)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            correct += int((logits.argmax(1) == yb).sum())
    seconds = time.perf_counter() - t0

    tc = spec['testCount']
    xt = torch.tensor(read_idx(os.path.join(d, 't10k-images-idx3-ubyte.gz'))[:tc].astype(np.float32) / 255.0)
    yt = torch.tensor(read_idx(os.path.join(d, 't10k-labels-idx1-ubyte.gz'))[:tc].astype(np.int64))
    with torch.no_grad():
        pred = torch.cat([net(xt[i:i + 1000].reshape(-1, 1, 28, 28)).argmax(1) for i in range(0, tc, 1000)])
    print(json.dumps({
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'images': n * epochs,
        'seconds': seconds,
        'imagesPerSecond': n * epochs / seconds,
        'trainLoss': loss_sum / n,
        'trainAccuracy': correct / n,
        'testAccuracy': float((pred == yt).double().mean()),
    }))
    return 0


if __name__ == '__main__':
    sys.exit(main())
