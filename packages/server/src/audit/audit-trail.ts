/**
 * The audit trail: records events in tamper-evident, append-only chains, verifies them, and
 * answers the audit report. `record` resolves once the entry is committed; entries recorded
 * while writes are in flight are appended together by a later transaction (group commit), as one
 * batch row, so many concurrent requests share few transactions and few rows. A trail writes to a few lanes (independent
 * chains) at once, so one batch's commit never waits for another's; each process starts at a
 * random lane, so processes sharing a database mostly write to different lanes (when they meet
 * on one, the head's row lock orders them). It never writes entries, or anything from them, to
 * stdout or stderr: failures reach the caller through the rejected promise only.
 */
import { randomInt } from 'node:crypto';
import type { AuditEvent } from '@medplum/fhirtypes';
import type { Database } from '../db/database.ts';
import { toAuditEvent } from './audit-event.ts';
import { AuditRepository, type AuditFilter, type AuditHead } from './audit-repository.ts';
import { MAX_BATCH, MAX_LANES } from './chain.ts';
import { GroupCommit } from './group-commit.ts';
import { AuditError, auditFields, type AuditContent, type AuditInput, type AuditRow } from './types.ts';
import { verifyChain, type VerifyResult } from './verify.ts';

export interface AuditTrailOptions {
  clock?: () => Date;
  /** Most entries one transaction appends, as one batch: 1 to 1024, default 500. */
  maxBatch?: number;
  /**
   * How many lanes to write to at once (1..16, default 1), from a random first lane; or the
   * exact lanes (tests).
   */
  lanes?: number | readonly number[];
  /**
   * Where appends go (default: the trail's database). The server gives the database's own
   * connection (Database.ownConnection), so that the commits every audited request waits for do
   * not queue behind requests waiting for the pool.
   */
  writer?: Database;
}

export const DEFAULT_AUDIT_LANES = 1;

function pickLanes(lanes: number | readonly number[]): number[] {
  if (typeof lanes !== 'number') {
    if (lanes.length === 0 || lanes.some((l) => !Number.isInteger(l) || l < 0 || l >= MAX_LANES) || new Set(lanes).size !== lanes.length) {
      throw new AuditError(`audit lanes must be distinct integers from 0 to ${MAX_LANES - 1}`);
    }
    return [...lanes];
  }
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > MAX_LANES) throw new AuditError(`the number of audit lanes must be 1 to ${MAX_LANES}, got ${lanes}`);
  const first = randomInt(MAX_LANES);
  return Array.from({ length: lanes }, (_, i) => (first + i) % MAX_LANES);
}

export class AuditTrail {
  private readonly repo: AuditRepository;
  /** Appends (it remembers each lane's head); the same database as `repo` unless a writer is given. */
  private readonly appender: AuditRepository;
  private readonly clock: () => Date;
  private readonly commits: GroupCommit<AuditContent>;

  constructor(db: Database, opts: AuditTrailOptions = {}) {
    const maxBatch = opts.maxBatch ?? 500;
    if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > MAX_BATCH) throw new AuditError(`the audit batch size must be 1 to ${MAX_BATCH}, got ${maxBatch}`);
    this.repo = new AuditRepository(db);
    this.appender = opts.writer ? new AuditRepository(opts.writer) : this.repo;
    this.clock = opts.clock ?? (() => new Date());
    this.commits = new GroupCommit((batch, lane) => this.appender.append(lane, batch), maxBatch, pickLanes(opts.lanes ?? DEFAULT_AUDIT_LANES));
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

  /** Checks every lane's chain; each anchored head (signed earlier, see anchor.ts) must lie on its lane. */
  verify(opts: { batchSize?: number; anchors?: readonly AuditHead[] } = {}): Promise<VerifyResult> {
    return verifyChain(this.repo, opts.batchSize ?? 1000, opts.anchors ?? []);
  }

  /** Each lane's last position and hash (what an anchor signs). */
  heads(): Promise<AuditHead[]> {
    return this.repo.heads();
  }

  /** The report: a tenant's entries, newest first; pass the last seq as `after` for the next page. */
  search(filter: AuditFilter): Promise<AuditRow[]> {
    return this.repo.search(filter);
  }

  toAuditEvent(row: AuditRow): AuditEvent {
    return toAuditEvent(row);
  }
}
