// Training-pool thread bootstrap when Lowbit runs from TypeScript sources (CLI, tests): workers
// do not inherit the parent's tsx loader, so register it here, then load the thread's code.
import { register } from 'tsx/esm/api';

register();
await import('./train-worker.ts');
