// Worker bootstrap when Lowbit runs from TypeScript sources (CLI, `lowbit serve`, tests):
// workers do not inherit the parent's tsx loader, so register it here, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
