/** The server's release, as its package.json names it: what the CapabilityStatement and outgoing messages report. */
import { readFileSync } from 'node:fs';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
