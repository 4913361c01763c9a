/**
 * Verification of the whole chain, in seq order, a page at a time (constant memory). The head is
 * read first and the walk stops at its seq, so entries appended meanwhile are left for the next
 * run rather than mistaken for a mismatch. Finds a changed entry (its hash no longer matches its
 * fields), a deleted one (a gap in seq, or a prev_hash that is not the previous entry's hash) and
 * a deleted tail (the chain ends before the head). A rewrite of every hash after a change, head
 * included, needs a copy of the head kept elsewhere to be caught; this check does not have one.
 */
import type { AuditRepository } from './audit-repository.ts';
import { entryHash, GENESIS_HASH } from './chain.ts';

export interface VerifyResult {
  ok: boolean;
  /** Entries whose hash and link were checked and found intact. */
  checked: number;
  /** The first place the chain breaks. */
  firstBad?: { seq: string; reason: string };
}

export async function verifyChain(repo: AuditRepository, batchSize: number): Promise<VerifyResult> {
  let checked = 0;
  const bad = (seq: bigint | string, reason: string): VerifyResult => ({ ok: false, checked, firstBad: { seq: seq.toString(), reason } });
  const head = await repo.head();
  if (!head) return bad(0n, 'the audit head is missing');
  let seq = 0n;
  let hash = GENESIS_HASH;
  for (;;) {
    const rows = await repo.page(seq.toString(), batchSize, head.seq);
    for (const row of rows) {
      const n = BigInt(row.seq);
      if (n !== seq + 1n) return bad(seq + 1n, n === seq + 2n ? `entry ${seq + 1n} is missing` : `entries ${seq + 1n} to ${n - 1n} are missing`);
      if (row.prevHash !== hash) return bad(n, `its prev_hash is not the hash of entry ${seq}`);
      if (entryHash(hash, row) !== row.hash) return bad(n, 'its content does not match its hash (the entry was changed)');
      seq = n;
      hash = row.hash;
      checked += 1;
    }
    if (rows.length < batchSize) break;
  }
  if (seq.toString() !== head.seq) return bad(seq + 1n, `the chain ends at entry ${seq} but the head records ${head.seq}: the entries after ${seq} were deleted`);
  if (hash !== head.hash) return bad(seq, 'its hash does not match the head');
  return { ok: true, checked };
}
