/**
 * The audit trail: records events in a tamper-evident, append-only chain, verifies the chain,
 * and answers the audit report. `record` resolves once the entry is committed; entries recorded
 * while a write is in flight are appended together by the next transaction (group commit), so
 * many concurrent requests share few transactions. It never writes entries, or anything from
 * them, to stdout or stderr: failures reach the caller through the rejected promise only.
 */
import type { AuditEvent } from '@medplum/fhirtypes';
import type { Database } from '../db/database.ts';
import { toAuditEvent } from './audit-event.ts';
import { AuditRepository, type AuditFilter } from './audit-repository.ts';
import { GroupCommit } from './group-commit.ts';
import { auditFields, type AuditFields, type AuditInput, type AuditRow } from './types.ts';
import { verifyChain, type VerifyResult } from './verify.ts';

export interface AuditTrailOptions {
  clock?: () => Date;
  /** Most entries one transaction appends; default 500. */
  maxBatch?: number;
}

export class AuditTrail {
  private readonly repo: AuditRepository;
  private readonly clock: () => Date;
  private readonly commits: GroupCommit<Omit<AuditFields, 'seq'>>;

  constructor(db: Database, opts: AuditTrailOptions = {}) {
    this.repo = new AuditRepository(db);
    this.clock = opts.clock ?? (() => new Date());
    this.commits = new GroupCommit((batch) => this.repo.append(batch), opts.maxBatch ?? 500);
  }

  /** Resolves when the entry is committed; rejects (AuditError) at once on an invalid entry. */
  async record(entry: AuditInput): Promise<void> {
    const fields = auditFields(entry, this.clock());
    return this.commits.submit(fields);
  }

  /** Resolves when every entry recorded so far has been written or has failed (shutdown). */
  flush(): Promise<void> {
    return this.commits.flush();
  }

  verify(opts: { batchSize?: number } = {}): Promise<VerifyResult> {
    return verifyChain(this.repo, opts.batchSize ?? 1000);
  }

  /** The report: a tenant's entries, newest first; pass the last seq as `after` for the next page. */
  search(filter: AuditFilter): Promise<AuditRow[]> {
    return this.repo.search(filter);
  }

  toAuditEvent(row: AuditRow): AuditEvent {
    return toAuditEvent(row);
  }
}
