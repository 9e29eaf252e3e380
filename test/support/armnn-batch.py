#!/usr/bin/python3
"""Runs one .tflite on Arm NN's CpuRef backend over many samples, loading the network once
(test support for scoring a dataset; ../shared/tools/armnn-run does one sample per process).

usage: armnn-batch.py MODEL.tflite INPUTS.bin COUNT OUT.bin
  INPUTS.bin: COUNT samples of the (single) input, raw little-endian in the input's dtype,
  back to back. Writes output 0 of every sample, back to back, as float32 (quantized
  outputs dequantized with the tensor's own scale and offset). Exit 2 when Arm NN cannot
  load or run the model (its message is printed).
"""
import sys
import numpy as np

def main():
    if len(sys.argv) != 5:
        print(__doc__); return 2
    model, inputs, count, out_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    import pyarmnn as ann
    dtypes = {ann.DataType_Float32: np.float32, ann.DataType_QAsymmS8: np.int8, ann.DataType_QSymmS8: np.int8,
              ann.DataType_QAsymmU8: np.uint8, ann.DataType_QSymmS16: np.int16, ann.DataType_Signed32: np.int32}
    try:
        parser = ann.ITfLiteParser()
        net = parser.CreateNetworkFromBinaryFile(model)
        in_info = parser.GetNetworkInputBindingInfo(0, parser.GetSubgraphInputTensorNames(0)[0])
        out_info = parser.GetNetworkOutputBindingInfo(0, parser.GetSubgraphOutputTensorNames(0)[0])
        rt = ann.IRuntime(ann.CreationOptions())
        opt, _ = ann.Optimize(net, [ann.BackendId('CpuRef')], rt.GetDeviceSpec(), ann.OptimizerOptions())
        nid, _ = rt.LoadNetwork(opt)
        x = np.fromfile(inputs, dtype=dtypes[in_info[1].GetDataType()]).reshape(count, -1)
        ti = out_info[1]
        scale, offset = ti.GetQuantizationScale(), ti.GetQuantizationOffset()
        results = []
        for i in range(count):
            out = ann.make_output_tensors([out_info])
            rt.EnqueueWorkload(nid, ann.make_input_tensors([in_info], [x[i]]), out)
            y = ann.workload_tensors_to_ndarray(out)[0].reshape(-1)
            results.append(y.astype(np.float32) if y.dtype == np.float32 else ((y.astype(np.float32) - offset) * scale))
    except Exception as e:  # Arm NN raises its own exception types
        print(f'armnn could not run the model: {e}'); return 2
    np.concatenate(results).astype(np.float32).tofile(out_path)
    return 0

if __name__ == '__main__':
    sys.exit(main())
