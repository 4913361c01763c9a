#!/usr/bin/env node
// Builds the web app when dist/ is missing or older than its sources; does nothing (in a few
// milliseconds) when it is up to date, so `npm start` stays fast. Run by the root `prestart`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

export async function ensureBuild({ quiet = false } = {}) {
  const built = ['index.html', 'portal.html'].map((page) => join(root, 'dist', page));
  const sources = Math.max(...['src', 'index.html', 'portal.html', 'vite.config.ts', 'package.json'].map((p) => newest(join(root, p))));
  if (built.every((page) => existsSync(page) && statSync(page).mtimeMs >= sources)) return false;
  if (!quiet) process.stderr.write('Building the web app (packages/web/dist)...\n');
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' });
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureBuild();
}
