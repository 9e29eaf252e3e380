#!/usr/bin/python3
"""Real PyTorch models as ONNX fixtures for Lowbit's tests (issue 13).

Run: npm run fixtures:onnx          (or /usr/bin/python3 scripts/onnx-fixtures.py)
     npm run fixtures:onnx -- --retrain   also retrains the committed Fashion-MNIST CNN

Needs Debian's python3-torch 1.13, python3-torchvision 0.14 and python3-onnx (use /usr/bin/python3:
a pyenv python3 on PATH lacks them), node (for onnxruntime-node) and, for the CNN, Debian's
dataset-fashion-mnist. Nothing is downloaded. Every model is exported with torch.onnx.export at
opset 13 with a dynamic batch dimension ("batch"), input "input" (NCHW float32), output "logits".

Paths (relative to the repository):

  test/fixtures/onnx/                    committed, small
    fashion-cnn.onnx                     Fashion-MNIST CNN, trained here for a few epochs: BatchNorm
                                         (kept as BatchNormalization nodes: exported with
                                         TrainingMode.PRESERVE on an eval-mode model), a
                                         depthwise-separable block, a residual Add, global average
                                         pooling. Input [batch,1,28,28], pixels / 255 (0..1, no
                                         mean/std), i.e. `--preprocess scale=0..1,layout=nchw`.
    fashion-cnn.json                     manifest: float test accuracy on the 10k test set under
                                         ONNX Runtime (onnxruntime-node, CPU) and PyTorch, the
                                         preprocessing, torch/onnx versions, the seeds
    fashion-cnn-io/input_NN.npy          20 test images (seeded choice), [1,1,28,28] float32
    fashion-cnn-io/output_NN.npy         PyTorch's logits for each, [1,10] float32

  test/fixtures/onnx/generated/          git-ignored, made by this script (.ci/run runs it)
    mobilenet_v2.onnx, resnet18.onnx     torchvision 0.14 with seeded random weights
                                         (weights=None; BatchNorm statistics randomized too, so a
                                         folding error shows), Conv+BN fused by the exporter
    <model>-io/input_NN.npy              20 seeded N(0,1) inputs, [1,3,224,224] float32
    <model>-io/output_NN.npy             PyTorch's logits, [1,1000] float32
    <model>.json                         manifest (versions, seeds, shapes)

Deterministic: fixed seeds, one thread, deterministic algorithms. Concurrent runs serialize on a
lock file in generated/. Existing files are kept unless missing (the committed CNN is retrained only with --retrain); --force remakes the generated ones.
"""
import argparse
import fcntl
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torchvision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMITTED = os.path.join(ROOT, 'test', 'fixtures', 'onnx')
GENERATED = os.path.join(COMMITTED, 'generated')
FASHION = '/usr/share/datasets/fashion-mnist'
OPSET = 13
SAMPLES = 20
SEED = 20261203


def log(msg):
    print(f'onnx-fixtures: {msg}', flush=True)


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion(split):
    images = read_idx(os.path.join(FASHION, f'{split}-images-idx3-ubyte.gz'))
    labels = read_idx(os.path.join(FASHION, f'{split}-labels-idx1-ubyte.gz'))
    # Scale in doubles, round once to float32: what Lowbit's preprocessing (scale=0..1) does.
    x = (images.astype(np.float64) / 255.0).astype(np.float32)[:, None, :, :]
    return x, labels.astype(np.int64)


class FashionCnn(nn.Module):
    """Stem conv, a depthwise-separable block, a residual block, global average pooling."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2))
        self.separable = nn.Sequential(
            nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2))
        self.residual = nn.Sequential(
            nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32))
        self.relu = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        x = self.separable(self.stem(x))
        x = self.relu(x + self.residual(x))
        return self.head(torch.flatten(self.pool(x), 1))


def export(model, example, path, training=torch.onnx.TrainingMode.EVAL):
    model.eval()
    torch.onnx.export(
        model, example, path, opset_version=OPSET, input_names=['input'], output_names=['logits'],
        dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}}, training=training,
        # Folding constants would also fold the kept BatchNormalization's parameters (PRESERVE).
        do_constant_folding=training == torch.onnx.TrainingMode.EVAL)
    onnx.checker.check_model(onnx.load(path))


def write_io(model, inputs, folder):
    os.makedirs(folder, exist_ok=True)
    with torch.no_grad():
        for i, x in enumerate(inputs):
            np.save(os.path.join(folder, f'input_{i:02d}.npy'), x)
            y = model(torch.from_numpy(x)).numpy().astype(np.float32)
            np.save(os.path.join(folder, f'output_{i:02d}.npy'), y)


def ort_predictions(model_path, x):
    """Argmax of onnxruntime-node's outputs over x (N,C,H,W float32), batches of 500."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, 'x.f32')
        x.astype('<f4').tofile(raw)
        out = subprocess.run(
            ['node', os.path.join(ROOT, 'scripts', 'onnx-fixtures-ort.mjs'), model_path, raw,
             ','.join(str(d) for d in x.shape)], check=True, capture_output=True, text=True, cwd=ROOT)
    return np.array(json.loads(out.stdout), dtype=np.int64)


def versions():
    return {'torch': torch.__version__, 'torchvision': torchvision.__version__,
            'onnx': onnx.__version__, 'opset': OPSET}


def make_fashion_cnn(epochs):
    path = os.path.join(COMMITTED, 'fashion-cnn.onnx')
    torch.manual_seed(SEED)
    train_x, train_y = fashion('train')
    test_x, test_y = fashion('t10k')
    model = FashionCnn()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=4e-3, total_steps=epochs * (len(train_x) // 128))
    gen = torch.Generator().manual_seed(SEED)
    started = time.time()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(train_x), generator=gen).numpy()
        for b in range(len(train_x) // 128):
            idx = order[b * 128:(b + 1) * 128]
            loss = nn.functional.cross_entropy(
                model(torch.from_numpy(train_x[idx])), torch.from_numpy(train_y[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        log(f'fashion-cnn epoch {epoch + 1}/{epochs}: loss {loss.item():.3f}, '
            f'{time.time() - started:.0f} s')
    model.eval()
    with torch.no_grad():
        torch_pred = torch.cat([model(torch.from_numpy(test_x[i:i + 1000])).argmax(1)
                                for i in range(0, len(test_x), 1000)]).numpy()
    export(model, torch.from_numpy(test_x[:1]), path, torch.onnx.TrainingMode.PRESERVE)
    ort_pred = ort_predictions(path, test_x)
    pick = np.random.default_rng(SEED).choice(len(test_x), SAMPLES, replace=False)
    write_io(model, [test_x[i:i + 1] for i in pick], os.path.join(COMMITTED, 'fashion-cnn-io'))
    manifest = {
        'model': 'fashion-cnn.onnx',
        'dataset': f'{FASHION} (t10k, 10000 images)',
        'preprocess': 'scale=0..1,layout=nchw',
        'input': {'name': 'input', 'shape': ['batch', 1, 28, 28]},
        'output': {'name': 'logits', 'shape': ['batch', 10]},
        'onnxruntimeAccuracy': float((ort_pred == test_y).mean()),
        'onnxruntimeCorrect': int((ort_pred == test_y).sum()),
        'pytorchAccuracy': float((torch_pred == test_y).mean()),
        'epochs': epochs,
        'seed': SEED,
        'ioSamples': {'dir': 'fashion-cnn-io', 'count': SAMPLES, 'testIndices': pick.tolist()},
        **versions(),
    }
    with open(os.path.join(COMMITTED, 'fashion-cnn.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    log(f'fashion-cnn: ORT accuracy {manifest["onnxruntimeAccuracy"]:.4f}, '
        f'PyTorch {manifest["pytorchAccuracy"]:.4f}, {time.time() - started:.0f} s')


def randomize_batchnorm(model, gen):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=gen) * 0.1)


def make_torchvision(name, build):
    os.makedirs(GENERATED, exist_ok=True)
    torch.manual_seed(SEED)
    model = build(weights=None)
    randomize_batchnorm(model, torch.Generator().manual_seed(SEED))
    model.eval()
    rng = np.random.default_rng(SEED)
    inputs = [rng.standard_normal((1, 3, 224, 224)).astype(np.float32) for _ in range(SAMPLES)]
    export(model, torch.from_numpy(inputs[0]), os.path.join(GENERATED, f'{name}.onnx'))
    write_io(model, inputs, os.path.join(GENERATED, f'{name}-io'))
    manifest = {'model': f'{name}.onnx', 'weights': 'random', 'seed': SEED,
                'input': {'name': 'input', 'shape': ['batch', 3, 224, 224]},
                'output': {'name': 'logits', 'shape': ['batch', 1000]},
                'ioSamples': {'dir': f'{name}-io', 'count': SAMPLES}, **versions()}
    with open(os.path.join(GENERATED, f'{name}.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    log(f'{name}: {os.path.getsize(os.path.join(GENERATED, name + ".onnx")) / 1e6:.1f} MB')


def complete(folder, name):
    return (os.path.exists(os.path.join(folder, f'{name}.onnx'))
            and os.path.exists(os.path.join(folder, f'{name}.json'))
            and os.path.exists(os.path.join(folder, f'{name}-io', f'output_{SAMPLES - 1:02d}.npy')))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--retrain', action='store_true', help='retrain the committed Fashion-MNIST CNN')
    ap.add_argument('--force', action='store_true', help='remake the generated models')
    ap.add_argument('--epochs', type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(GENERATED, exist_ok=True)
    # Test workers may start this at once: the second waits, then finds the files complete.
    lock = open(os.path.join(GENERATED, '.lock'), 'w')
    fcntl.flock(lock, fcntl.LOCK_EX)
    if args.retrain or not complete(COMMITTED, 'fashion-cnn'):
        make_fashion_cnn(args.epochs)
    for name, build in [('mobilenet_v2', torchvision.models.mobilenet_v2),
                        ('resnet18', torchvision.models.resnet18)]:
        if args.force or not complete(GENERATED, name):
            make_torchvision(name, build)
        else:
            log(f'{name}: present ({GENERATED})')


if __name__ == '__main__':
    sys.exit(main())
