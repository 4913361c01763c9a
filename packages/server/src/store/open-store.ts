/**
 * Opens the database for the store: the configured backend, migrated, with the store's
 * generated write routines installed. Servers and tests open databases through this.
 */
import type { Database } from '../db/database.ts';
import { openDatabase, type DatabaseConfig } from '../db/open.ts';
import { writeRoutines } from './writer.ts';

export function openStoreDatabase(config: Omit<DatabaseConfig, 'routines'>): Promise<Database> {
  return openDatabase({ ...config, routines: writeRoutines() });
}
