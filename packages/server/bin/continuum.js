#!/usr/bin/env node
// Launches the TypeScript CLI through tsx, so that `npx continuum` needs no build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
