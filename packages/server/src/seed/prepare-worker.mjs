// The seeder worker's entry: a worker thread does not inherit the TypeScript loader the main
// thread was started with, so it registers tsx before loading the worker's code.
import { register } from 'tsx/esm/api';

register();
await import('./prepare-worker.ts');
