/**
 * The sample tasks a pool thread can run, by id. Each is engine code (the same function the
 * engine runs on one thread); add a task here when the engine defines a new one.
 */
import type { SampleTask } from '../../engine/interpreter/sample-pool';
import { outputsTask } from '../../engine/evaluate/outputs-task';
import { calibrationTask } from '../../engine/optimize/calibrate/index';
import { debugTask } from '../../engine/optimize/debugger';

const TASKS: readonly SampleTask<never, unknown>[] = [outputsTask, calibrationTask, debugTask];

export function sampleTask(id: string): SampleTask<never, unknown> | undefined {
  return TASKS.find((t) => t.id === id);
}
