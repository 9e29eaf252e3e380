#!/usr/bin/python3
"""Times inference of a .tflite on Arm NN's CpuRef backend (for `npm run bench`).

usage: armnn-bench.py MODEL.tflite INPUT0.bin [INPUT1.bin ...] --runs N [--batch-ms B]
Loads the network once, warms up (at least one inference, up to ~300 ms), then times N samples,
each a batch of inferences lasting at least B ms (default 0: one inference per sample; the bench
passes the batch length it uses for Lowbit so microsecond models are timed alike on both sides),
and prints {"medianMs": ..., "runs": N, "batch": K} (ms per inference) as JSON. Exit 2 when Arm NN cannot load or run the model.
Needs python3-pyarmnn and libarmnn-cpuref-backend22 (Debian).
The bench times Arm NN from C++ (armnn-bench.cpp, the same protocol) when it can build it, and this
script otherwise: pyarmnn converts the input and output lists to C++ on every EnqueueWorkload, a
per-call cost (about a microsecond or more) that Lowbit, timed from its own language, does not pay.
"""
import json, sys, time
import numpy as np

def main():
    args = sys.argv[1:]
    if '--runs' not in args or len(args) < 3:
        print(__doc__); return 2
    k = args.index('--runs'); runs = int(args[k + 1]); rest = args[:k] + args[k + 2:]
    batch_ms = 0.0
    if '--batch-ms' in rest:
        k = rest.index('--batch-ms'); batch_ms = float(rest[k + 1]); rest = rest[:k] + rest[k + 2:]
    model, inputs = rest[0], rest[1:]
    import pyarmnn as ann
    dtypes = {ann.DataType_Float32: np.float32, ann.DataType_QAsymmS8: np.int8, ann.DataType_QSymmS8: np.int8,
              ann.DataType_QAsymmU8: np.uint8, ann.DataType_QSymmS16: np.int16, ann.DataType_Signed32: np.int32}
    try:
        parser = ann.ITfLiteParser()
        net = parser.CreateNetworkFromBinaryFile(model)
        in_infos = [parser.GetNetworkInputBindingInfo(0, n) for n in parser.GetSubgraphInputTensorNames(0)]
        out_infos = [parser.GetNetworkOutputBindingInfo(0, n) for n in parser.GetSubgraphOutputTensorNames(0)]
        rt = ann.IRuntime(ann.CreationOptions())
        opt, _ = ann.Optimize(net, [ann.BackendId('CpuRef')], rt.GetDeviceSpec(), ann.OptimizerOptions())
        nid, _ = rt.LoadNetwork(opt)
        arrays = [np.fromfile(p, dtype=dtypes[i[1].GetDataType()]) for i, p in zip(in_infos, inputs)]
        inp = ann.make_input_tensors(in_infos, arrays)
        out = ann.make_output_tensors(out_infos)
        warm_start = time.perf_counter(); warm_runs = 0
        while True:
            rt.EnqueueWorkload(nid, inp, out); warm_runs += 1
            if time.perf_counter() - warm_start > 0.3: break
        per = (time.perf_counter() - warm_start) * 1000 / warm_runs
        batch = max(1, int(np.ceil(batch_ms / per)))
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            for _ in range(batch):
                rt.EnqueueWorkload(nid, inp, out)
            times.append((time.perf_counter() - t0) * 1000 / batch)
    except Exception as e:
        print(f'armnn could not run the model: {e}'); return 2
    print(json.dumps({'medianMs': float(np.median(times)), 'runs': runs, 'batch': batch}))
    return 0

if __name__ == '__main__':
    sys.exit(main())
