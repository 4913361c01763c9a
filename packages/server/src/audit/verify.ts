/**
 * Verification of every lane's chain, each in order, a page of links at a time (constant memory;
 * a link is a batch of entries, or one entry written before batches). The
 * heads are read first and each walk stops at its head, so entries appended meanwhile are left
 * for the next run rather than mistaken for a mismatch. Finds a changed entry (its hash no longer
 * matches its fields), a deleted one (a gap in its lane's positions, or a prev_hash that is not
 * the previous entry's hash), a deleted tail (a lane ends before its head) and a missing head
 * row. A rewrite of every hash after a change, head included, needs a copy of the heads kept
 * elsewhere to be caught: the anchors (signed heads kept outside the database, see anchor.ts),
 * each of which its lane must pass through unchanged.
 */
import type { AuditHead, AuditRepository, ChainLink } from './audit-repository.ts';
import { batchHash, batchIndex, entryHash, GENESIS_HASH, MAX_LANES, parseBatch } from './chain.ts';

export interface VerifyResult {
  ok: boolean;
  /** Entries whose hash and link were checked and found intact. */
  checked: number;
  /** The first place a chain breaks: its lane, the position there, and the entry's id when it exists. */
  firstBad?: { lane: number; pos: string; seq?: string; reason: string };
}

/** What a link is in the chain's terms: its place, its size, its hashes and, when it was changed, why. */
interface Checked {
  pos: bigint;
  n: number;
  seq: string;
  prevHash: string;
  hash: string;
  changed?: string;
}

function check(lane: number, link: ChainLink): Checked {
  if (link.kind === 'entry') {
    const { row } = link;
    const changed = entryHash(row.prevHash, row) !== row.hash ? 'its content does not match its hash (the entry was changed)' : undefined;
    return { pos: BigInt(row.pos), n: 1, seq: row.seq, prevHash: row.prevHash, hash: row.hash, ...(changed ? { changed } : {}) };
  }
  const base = { pos: BigInt(link.pos), n: link.n, seq: link.seq, prevHash: link.prevHash, hash: link.hash };
  if (batchHash(link.prevHash, lane, link.pos, link.entries) !== link.hash) {
    return { ...base, changed: 'its content does not match its hash (the batch of entries starting here was changed)' };
  }
  const entries = parseBatch(link.entries);
  if (!entries) return { ...base, changed: 'its entries are not in the form the trail writes (written by something else, and hashed to match)' };
  if (entries.length !== link.n) return { ...base, changed: 'its entries are not the batch its hash was made for (the entry count was changed)' };
  // The report finds batches by these columns: one changed to hide a batch from it is a change too.
  if (JSON.stringify(batchIndex(entries)) !== JSON.stringify(link.index)) {
    return { ...base, changed: 'the report columns of the batch starting here do not match its entries (changed to hide entries from the report)' };
  }
  return base;
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
    const laneAnchors = anchors.filter((a) => a.lane === lane).map((a) => BigInt(a.pos));
    let pos = 0n;
    let hash = GENESIS_HASH;
    for (;;) {
      const links = await repo.page(lane, pos.toString(), batchSize, head.pos);
      for (const link of links) {
        const c = check(lane, link);
        if (c.pos !== pos + 1n) return bad(lane, pos + 1n, c.pos === pos + 2n ? `entry ${pos + 1n} of lane ${lane} is missing` : `entries ${pos + 1n} to ${c.pos - 1n} of lane ${lane} are missing`);
        if (c.prevHash !== hash) return bad(lane, c.pos, `its prev_hash is not the hash of the entry before it in lane ${lane}`, c.seq);
        if (c.changed) return bad(lane, c.pos, c.changed, c.seq);
        const end = c.pos + BigInt(c.n) - 1n;
        // An anchor signs a head, which is always the last entry of a link: one inside a link
        // means the links were cut differently when it was signed.
        const inside = laneAnchors.find((a) => a >= c.pos && a < end);
        if (inside !== undefined) return bad(lane, inside, 'a signed anchor ends the chain inside this batch: the chain was rewritten up to here', c.seq);
        const anchoredHash = anchored.get(`${lane}:${end}`);
        if (anchoredHash !== undefined && anchoredHash !== c.hash) {
          return bad(lane, end, 'its hash is not the one its signed anchor records (the chain was rewritten up to here)', c.seq);
        }
        pos = end;
        hash = c.hash;
        checked += c.n;
      }
      if (links.length < batchSize) break;
    }
    const beyond = laneAnchors.filter((a) => a > pos).sort((a, b) => (a < b ? -1 : 1))[0];
    if (beyond !== undefined) return bad(lane, beyond, `a signed anchor records entry ${beyond} of lane ${lane}, but the lane ends at entry ${pos}: anchored entries were deleted`);
    if (pos.toString() !== head.pos) return bad(lane, pos + 1n, `lane ${lane} ends at entry ${pos} but its head records ${head.pos}: the entries after ${pos} were deleted`);
    if (hash !== head.hash) return bad(lane, pos, `the last entry's hash does not match the head of lane ${lane}`);
  }
  return { ok: true, checked };
}
