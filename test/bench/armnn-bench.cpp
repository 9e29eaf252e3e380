// Times inference of a .tflite on Arm NN's CpuRef backend from C++ (for `npm run bench`): the
// same protocol as armnn-bench.py without the Python binding, whose per-call cost (pyarmnn turns
// the input and output lists into C++ vectors on every EnqueueWorkload) is a sizeable part of a
// few-microsecond model's time. Lowbit is timed from its own language too, so this is the
// like-for-like figure; the bench compiles it when g++ and Arm NN's headers are installed
// (Debian: g++ libarmnn-dev libarmnntfliteparser-dev) and falls back to armnn-bench.py otherwise.
//
// usage: armnn-bench MODEL.tflite INPUT0.bin [INPUT1.bin ...] --runs N [--batch-ms B]
// Loads the network once, binds the inputs (raw bytes, the tensor's dtype and size) and output
// buffers once, warms up (at least one inference, up to ~300 ms), then times N samples, each a
// batch of EnqueueWorkload calls lasting at least B ms, and prints
// {"medianMs": ..., "runs": N, "batch": K} (ms per inference). Each call copies the inputs in from
// the caller's buffers and the outputs out into the caller's, as Lowbit's timed setInput, invoke
// and output do. Exit 2, printing "armnn could not run the model: ...", when Arm NN cannot.
#include <armnn/ArmNN.hpp>
#include <armnnTfLiteParser/ITfLiteParser.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

int fail(const std::string& why) {
  std::printf("armnn could not run the model: %s\n", why.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> rest;
  int runs = -1;
  double batchMs = 0;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (a == "--batch-ms" && i + 1 < argc) batchMs = std::atof(argv[++i]);
    else rest.push_back(a);
  }
  if (runs < 1 || rest.size() < 2) {
    std::printf("usage: armnn-bench MODEL.tflite INPUT0.bin [INPUT1.bin ...] --runs N [--batch-ms B]\n");
    return 2;
  }
  try {
    auto parser = armnnTfLiteParser::ITfLiteParser::Create();
    auto net = parser->CreateNetworkFromBinaryFile(rest[0].c_str());
    auto inNames = parser->GetSubgraphInputTensorNames(0);
    auto outNames = parser->GetSubgraphOutputTensorNames(0);
    if (inNames.size() != rest.size() - 1)
      return fail("model has " + std::to_string(inNames.size()) + " inputs, " +
                  std::to_string(rest.size() - 1) + " given");
    armnn::IRuntime::CreationOptions options;
    auto runtime = armnn::IRuntime::Create(options);
    auto optimized = armnn::Optimize(*net, {armnn::BackendId("CpuRef")}, runtime->GetDeviceSpec());
    armnn::NetworkId id;
    std::string message;
    if (runtime->LoadNetwork(id, std::move(optimized), message) != armnn::Status::Success)
      return fail("LoadNetwork: " + message);
    std::vector<std::vector<char>> inBufs, outBufs;
    armnn::InputTensors inputs;
    armnn::OutputTensors outputs;
    for (size_t i = 0; i < inNames.size(); i++) {
      auto binding = parser->GetNetworkInputBindingInfo(0, inNames[i]);
      std::ifstream f(rest[i + 1], std::ios::binary);
      inBufs.emplace_back(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
      if (inBufs.back().size() != binding.second.GetNumBytes())
        return fail(rest[i + 1] + " has " + std::to_string(inBufs.back().size()) + " bytes, input " +
                    std::to_string(i) + " needs " + std::to_string(binding.second.GetNumBytes()));
    }
    for (size_t i = 0; i < inNames.size(); i++) {
      auto binding = parser->GetNetworkInputBindingInfo(0, inNames[i]);
      inputs.emplace_back(binding.first, armnn::ConstTensor(binding.second, inBufs[i].data()));
    }
    outBufs.reserve(outNames.size());
    for (const auto& name : outNames) {
      auto binding = parser->GetNetworkOutputBindingInfo(0, name);
      outBufs.emplace_back(binding.second.GetNumBytes());
      outputs.emplace_back(binding.first, armnn::Tensor(binding.second, outBufs.back().data()));
    }
    auto enqueue = [&] {
      if (runtime->EnqueueWorkload(id, inputs, outputs) != armnn::Status::Success)
        throw armnn::Exception("EnqueueWorkload failed");
    };
    auto warmStart = Clock::now();
    int warmRuns = 0;
    do {
      enqueue();
      warmRuns++;
    } while (msSince(warmStart) < 300);
    double perRun = msSince(warmStart) / warmRuns;
    int batch = std::max(1, static_cast<int>(std::ceil(batchMs / perRun)));
    std::vector<double> times;
    for (int r = 0; r < runs; r++) {
      auto t0 = Clock::now();
      for (int b = 0; b < batch; b++) enqueue();
      times.push_back(msSince(t0) / batch);
    }
    std::sort(times.begin(), times.end());
    size_t m = times.size() / 2;
    double median = times.size() % 2 ? times[m] : (times[m - 1] + times[m]) / 2;
    std::printf("{\"medianMs\": %.9g, \"runs\": %d, \"batch\": %d}\n", median, runs, batch);
    return 0;
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
