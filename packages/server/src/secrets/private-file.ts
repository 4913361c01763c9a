/**
 * Writing a secret file the way every key file in `<data>/secrets` is written: the folder 0700,
 * the file 0600, written whole to a temporary name first so no reader ever sees half of it.
 * With `exclusive`, an existing file is never replaced (several processes starting together on
 * a new folder: the first file written wins, and the others read it).
 */
import { chmodSync, linkSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `text` to `path`; with `exclusive`, returns false (writing nothing) when the file exists. */
export function writePrivateFile(path: string, text: string, opts: { exclusive?: boolean } = {}): boolean {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  chmodSync(dirname(path), 0o700);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  if (!opts.exclusive) {
    renameSync(tmp, path);
    return true;
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}
