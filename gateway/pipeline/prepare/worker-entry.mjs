// Worker threads do not inherit the TypeScript loader the gateway runs with (`--import=tsx`): register it here,
// then load the worker's module, named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
