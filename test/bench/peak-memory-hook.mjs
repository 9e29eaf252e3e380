// Loaded with `node --import` into a `lowbit` child process by test/bench/peak-memory.ts: at exit,
// prints the process's peak resident set (the kernel's maxRSS) and its heap and array-buffer
// memory on stderr, one line the parent parses.
import process from 'node:process';
import v8 from 'node:v8';

process.on('exit', () => {
  const heap = v8.getHeapStatistics();
  const mem = process.memoryUsage();
  const report = {
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    heapTotalBytes: heap.total_heap_size,
    peakMallocedBytes: heap.peak_malloced_memory,
    arrayBuffersBytes: mem.arrayBuffers,
  };
  process.stderr.write(`LOWBIT_PEAK_MEMORY ${JSON.stringify(report)}\n`);
});
