/**
 * Verification of every lane's chain, each in order, a page at a time (constant memory). The
 * heads are read first and each walk stops at its head, so entries appended meanwhile are left
 * for the next run rather than mistaken for a mismatch. Finds a changed entry (its hash no longer
 * matches its fields), a deleted one (a gap in its lane's positions, or a prev_hash that is not
 * the previous entry's hash), a deleted tail (a lane ends before its head) and a missing head
 * row. A rewrite of every hash after a change, head included, needs a copy of the heads kept
 * elsewhere to be caught: the anchors (signed heads kept outside the database, see anchor.ts),
 * each of which its lane must pass through unchanged.
 */
import type { AuditHead, AuditRepository } from './audit-repository.ts';
import { entryHash, GENESIS_HASH, MAX_LANES } from './chain.ts';

export interface VerifyResult {
  ok: boolean;
  /** Entries whose hash and link were checked and found intact. */
  checked: number;
  /** The first place a chain breaks: its lane, the position there, and the entry's id when it exists. */
  firstBad?: { lane: number; pos: string; seq?: string; reason: string };
}

export async function verifyChain(repo: AuditRepository, batchSize: number, anchors: readonly AuditHead[] = []): Promise<VerifyResult> {
  let checked = 0;
  const bad = (lane: number, pos: bigint | string, reason: string, seq?: string): VerifyResult =>
    ({ ok: false, checked, firstBad: { lane, pos: pos.toString(), ...(seq !== undefined ? { seq } : {}), reason } });
  const anchored = new Map<string, string>();
  for (const a of anchors) {
    const key = `${a.lane}:${a.pos}`;
    const other = anchored.get(key);
    if (other !== undefined && other !== a.hash) return bad(a.lane, a.pos, 'two anchors give this entry different hashes');
    anchored.set(key, a.hash);
  }
  const heads = new Map((await repo.heads()).map((h) => [h.lane, h]));
  for (let lane = 0; lane < MAX_LANES; lane++) {
    const head = heads.get(lane);
    if (!head) return bad(lane, 0n, `the head of lane ${lane} is missing`);
    let pos = 0n;
    let hash = GENESIS_HASH;
    for (;;) {
      const rows = await repo.page(lane, pos.toString(), batchSize, head.pos);
      for (const row of rows) {
        const n = BigInt(row.pos);
        if (n !== pos + 1n) return bad(lane, pos + 1n, n === pos + 2n ? `entry ${pos + 1n} of lane ${lane} is missing` : `entries ${pos + 1n} to ${n - 1n} of lane ${lane} are missing`);
        if (row.prevHash !== hash) return bad(lane, n, `its prev_hash is not the hash of the entry before it in lane ${lane}`, row.seq);
        if (entryHash(hash, row) !== row.hash) return bad(lane, n, 'its content does not match its hash (the entry was changed)', row.seq);
        const anchoredHash = anchored.get(`${lane}:${row.pos}`);
        if (anchoredHash !== undefined && anchoredHash !== row.hash) {
          return bad(lane, n, 'its hash is not the one its signed anchor records (the chain was rewritten up to here)', row.seq);
        }
        pos = n;
        hash = row.hash;
        checked += 1;
      }
      if (rows.length < batchSize) break;
    }
    const beyond = anchors.filter((a) => a.lane === lane && BigInt(a.pos) > pos).map((a) => BigInt(a.pos)).sort((a, b) => (a < b ? -1 : 1))[0];
    if (beyond !== undefined) return bad(lane, beyond, `a signed anchor records entry ${beyond} of lane ${lane}, but the lane ends at entry ${pos}: anchored entries were deleted`);
    if (pos.toString() !== head.pos) return bad(lane, pos + 1n, `lane ${lane} ends at entry ${pos} but its head records ${head.pos}: the entries after ${pos} were deleted`);
    if (hash !== head.hash) return bad(lane, pos, `the last entry's hash does not match the head of lane ${lane}`);
  }
  return { ok: true, checked };
}
