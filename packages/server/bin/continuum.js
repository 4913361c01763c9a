#!/usr/bin/env node
// `continuum`: runs the CLI from a bundle of its TypeScript (bin/bundle.mjs builds it on first use
// and again whenever a source changes), so that `npx continuum` needs no build step and a process
// does not pay tsx's loader on every module. Where dist/ cannot be written (a read-only install),
// the sources run through tsx instead.
import { serverBundle } from './bundle.mjs';

let bundle;
try {
  bundle = await serverBundle();
} catch (err) {
  if (!['EACCES', 'EROFS', 'EPERM'].includes(err?.code)) throw err;
}
if (bundle) {
  process.setSourceMapsEnabled(true);
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
