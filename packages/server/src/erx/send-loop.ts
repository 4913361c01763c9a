/**
 * The e-prescription sender loop: in the background (only on nodes with `config.jobs` on), it
 * takes the `requested` erx-send Tasks of every tenant, sends each Task's NewRx through the
 * configured ErxSender, and records the outcome on the Task: `completed` with the sender's id as
 * output, or `failed` with the reason in `statusReason`.
 *
 * Several nodes may run it at once. A Task is claimed by updating it to `in-progress` with
 * If-Match on the version read: of two nodes that read the same Task, one claim succeeds and the
 * other gets a 412 and skips it, so no message is sent twice by two nodes. A node that dies after
 * its claim leaves the Task `in-progress`; once its `lastModified` is older than the lease it is
 * claimed again (the outbox sender is idempotent by MessageID; a network sender must be as well).
 */
import type { DocumentReference, Organization, Task } from '@medplum/fhirtypes';
import { isOutcomeError } from '@continuum/fhir';
import type { Repository } from '../store/repository.ts';
import { ERX_SEND_TOKEN, NCPDP_ID_SYSTEM, TRANSMISSION_ID } from './codes.ts';
import { identifierOf } from './newrx-parties.ts';
import type { ErxSender, SendResult } from './sender.ts';

export interface SendLoopDeps {
  repoFor(tenant: string): Promise<Repository>;
  /** The tenants that may hold erx-send Tasks. */
  tenants(): Promise<string[]>;
  sender: ErxSender;
  log?: (line: string) => void;
  now?: () => Date;
}

export interface SendLoopOptions {
  /** Seconds between looks for Tasks when idle (default 5). */
  pollSeconds?: number;
  /** Seconds after which another node may take over an unfinished claim (default 300). */
  leaseSeconds?: number;
  /** Tasks looked at per tenant per round (default 20). */
  batch?: number;
}

export interface RoundResult {
  sent: number;
  failed: number;
}

export class ErxSendLoop {
  readonly #deps: SendLoopDeps;
  readonly #poll: number;
  readonly #lease: number;
  readonly #batch: number;
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(deps: SendLoopDeps, opts: SendLoopOptions = {}) {
    this.#deps = deps;
    this.#poll = opts.pollSeconds ?? 5;
    this.#lease = opts.leaseSeconds ?? 300;
    this.#batch = opts.batch ?? 20;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  kick(): void {
    this.#wake?.();
  }

  async close(): Promise<void> {
    this.#stop.abort();
    this.kick();
    await this.#loop;
  }

  /** One pass over every tenant's waiting Tasks. */
  async runOnce(): Promise<RoundResult> {
    const total: RoundResult = { sent: 0, failed: 0 };
    for (const tenant of await this.#deps.tenants()) {
      if (this.#stop.signal.aborted) break;
      const repo = await this.#deps.repoFor(tenant);
      for (const task of await this.#waiting(repo)) {
        if (this.#stop.signal.aborted) break;
        const outcome = await this.#sendOne(repo, task);
        if (outcome === 'sent') total.sent++;
        else if (outcome === 'failed') total.failed++;
      }
    }
    return total;
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }

  async #waiting(repo: Repository): Promise<Task[]> {
    const stale = new Date(this.#now().getTime() - this.#lease * 1000).toISOString();
    const out: Task[] = [];
    for (const criteria of [`code=${ERX_SEND_TOKEN}&status=requested&_sort=_lastUpdated`, `code=${ERX_SEND_TOKEN}&status=in-progress&modified=lt${stale}`]) {
      const page = await repo.search(repo.parseCriteria('Task', criteria), { count: this.#batch });
      out.push(...page.matches.map((m) => JSON.parse(m.content) as Task));
    }
    return out;
  }

  /** Claims, sends and records one Task; undefined when another node had claimed it. */
  async #sendOne(repo: Repository, task: Task): Promise<'sent' | 'failed' | undefined> {
    const claimedAt = this.#now().toISOString();
    let claimed: Task;
    try {
      const claim: Task = { ...task, status: 'in-progress', businessStatus: { text: 'Sending' }, lastModified: claimedAt };
      claimed = (await repo.update('Task', task.id!, claim, { ifMatch: Number(task.meta?.versionId) })).resource as Task;
    } catch (err) {
      if (isOutcomeError(err) && err.status === 412) return undefined;
      throw err;
    }
    const result = await this.#deliver(repo, claimed);
    const doneAt = this.#now().toISOString();
    const finished: Task =
      result.status === 'sent'
        ? { ...claimed, status: 'completed', businessStatus: { text: 'Sent' }, lastModified: doneAt, output: [{ type: { text: 'Transmission id' }, valueIdentifier: { system: TRANSMISSION_ID, value: result.id } }] }
        : { ...claimed, status: 'failed', businessStatus: { text: 'Not sent' }, statusReason: { text: result.error }, lastModified: doneAt };
    try {
      await repo.update('Task', claimed.id!, finished, { ifMatch: Number(claimed.meta?.versionId) });
    } catch (err) {
      // Someone changed the Task while it was being sent (cancelled it, say): their version stands.
      if (!(isOutcomeError(err) && err.status === 412)) throw err;
    }
    this.#deps.log?.(`erx: task ${claimed.id} ${result.status} via ${this.#deps.sender.name}`);
    return result.status;
  }

  async #deliver(repo: Repository, task: Task): Promise<SendResult> {
    const docRef = task.input?.find((i) => i.valueReference?.reference?.startsWith('DocumentReference/'))?.valueReference?.reference;
    const doc = docRef ? ((await repo.read('DocumentReference', docRef.split('/')[1]!).catch(() => undefined)) as DocumentReference | undefined) : undefined;
    const attachment = doc?.content?.find((c) => c.attachment.contentType === 'application/xml' && c.attachment.data)?.attachment;
    if (!doc || !attachment?.data) return { status: 'failed', error: 'The Task has no NewRx message to send' };
    const ownerRef = task.owner?.reference ?? '';
    const owner = ownerRef.startsWith('Organization/') ? ((await repo.read('Organization', ownerRef.split('/')[1]!).catch(() => undefined)) as Organization | undefined) : undefined;
    const to = owner ? identifierOf(owner.identifier, NCPDP_ID_SYSTEM) : undefined;
    try {
      return await this.#deps.sender.send(Buffer.from(attachment.data, 'base64').toString('utf8'), { messageId: doc.id!, taskId: task.id!, ...(to ? { to } : {}) });
    } catch (err) {
      // The transport's own message may quote the payload; keep only what kind of failure it was.
      const e = err as { code?: string; name?: string };
      return { status: 'failed', error: `The ${this.#deps.sender.name} sender failed (${e.code ?? e.name ?? 'error'})` };
    }
  }

  async #run(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      try {
        await this.runOnce();
      } catch (err) {
        this.#deps.log?.(`erx: a sending round failed (${err instanceof Error ? err.name : 'error'})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#poll * 1000);
        timer.unref();
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }
}
