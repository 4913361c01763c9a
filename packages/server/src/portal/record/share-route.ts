/**
 * `GET /share/<token>`: what a share link opens, without signing in. While the link is valid it
 * answers the patient's summary, built at that moment, as a FHIR JSON download or a PDF (the
 * format chosen when the link was made); an expired or revoked link gets a page saying so (410),
 * an unknown one a 404 page. Every opening of a known link is written to the audit trail with the
 * patient, so the patient's activity log shows it; attempts are rate limited per address like
 * the sign-in pages.
 *
 * A link is opened by someone the record's access rules know nothing about, so it shows what any
 * reader may see: nothing labelled sensitive (substance use, mental health, HIV, ...) is shared,
 * whoever made the link (see linkMaySee). That is never more than its maker could see
 * (record-access.ts).
 */
import type { Resource } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isOutcomeError } from '@continuum/fhir';
import { restrictedCodes } from '../../access/policy.ts';
import type { AuditSink } from '../../auth/audit-sink.ts';
import { sendPage } from '../../auth/forms.ts';
import { page } from '../../auth/html.ts';
import { RateLimiter } from '../../auth/rate-limit.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import type { IndexerSource } from '../../search-params/provider.ts';
import { Repository } from '../../store/repository.ts';
import { type Share, isTokenShaped, ShareStore } from './share-store.ts';
import { buildSummary } from './summary-bundle.ts';
import { renderSummaryPdf } from './summary-pdf.ts';

export const SHARE_PATH = '/share';

/**
 * What a link shows: nothing with a restricting label, but always the Patient (a confidentiality
 * label on the patient guards against snooping; the link's maker could see the patient, and the
 * summary must say whose it is).
 */
const linkMaySee = (r: Resource): boolean => r.resourceType === 'Patient' || restrictedCodes(r).length === 0;

export interface ShareRouteDeps {
  db: Database;
  indexers: IndexerSource;
  config: Config;
  audit: AuditSink;
}

const notAvailable = (reply: FastifyReply, status: number, heading: string, text: string): FastifyReply =>
  sendPage(reply, status, page(heading, `<h1>${heading}</h1><p class="sub">${text}</p>`, { portal: true }));

export function registerShareRoute(app: FastifyInstance, deps: ShareRouteDeps): void {
  const shares = new ShareStore(deps.db);
  const limiter = new RateLimiter({ perMinute: 30, burst: 20 });
  const origin = (req: FastifyRequest): string => deps.config.baseUrl ?? `${req.protocol}://${req.headers.host ?? `localhost:${deps.config.port}`}`;

  const audit = (req: FastifyRequest, share: Share | undefined, status: number): Promise<void> =>
    deps.audit.record({
      tenant: share?.tenant ?? deps.config.defaultTenant,
      action: 'read',
      outcome: status < 400 ? 'success' : 'failure',
      clientId: 'share-link',
      role: 'share-link',
      patients: share ? [share.patientId] : [],
      ...(share ? { resource: `Patient/${share.patientId}` } : {}),
      sourceIp: req.ip,
      detail: `GET ${SHARE_PATH} ${share ? `link ${share.id} (${share.format})` : 'unknown link'} ${status}`,
    });

  app.get(`${SHARE_PATH}/:token`, async (req, reply) => {
    if (!limiter.take(`share:${req.ip}`)) return notAvailable(reply, 429, 'Too many attempts', 'Wait a minute before trying again.');
    const { token } = req.params as { token: string };
    const share = isTokenShaped(token) ? await shares.findByToken(token) : undefined;
    const now = new Date();
    if (!share) {
      await audit(req, undefined, 404);
      return notAvailable(reply, 404, 'Link not found', 'This share link does not exist. Check that you copied the whole link, or ask the person who sent it for a new one.');
    }
    if (share.revoked !== undefined || Date.parse(share.expires) <= now.getTime()) {
      await audit(req, share, 410);
      const why = share.revoked !== undefined ? 'The person who shared it has turned it off.' : 'It has expired.';
      return notAvailable(reply, 410, 'Link no longer available', `${why} Ask them to share a new link if you still need the health summary.`);
    }
    const repo = new Repository({ db: deps.db, indexer: await deps.indexers.indexerFor(share.tenant) }, share.tenant);
    let built: Awaited<ReturnType<typeof buildSummary>>;
    try {
      built = await buildSummary({ repo, baseUrl: `${origin(req)}/fhir`, patientId: share.patientId, canSee: linkMaySee, now });
    } catch (err) {
      // The patient's record was deleted (or merged away) since the link was made.
      if (!isOutcomeError(err) || (err.status !== 404 && err.status !== 410)) throw err;
      await audit(req, share, 410);
      return notAvailable(reply, 410, 'Link no longer available', 'The health summary it pointed to is no longer available.');
    }
    // Counted only if still valid now: a revocation made while the summary was built wins.
    if (!(await shares.recordAccess(share, now))) {
      await audit(req, share, 410);
      return notAvailable(reply, 410, 'Link no longer available', 'The person who shared it has turned it off.');
    }
    await audit(req, share, 200);
    reply.code(200).header('cache-control', 'no-store');
    if (share.format === 'pdf') {
      const pdf = await renderSummaryPdf(built.view);
      return reply.header('content-type', 'application/pdf').header('content-disposition', 'inline; filename="health-summary.pdf"').send(pdf);
    }
    return reply
      .header('content-type', 'application/fhir+json; charset=utf-8')
      .header('content-disposition', 'attachment; filename="health-summary.json"')
      .send(JSON.stringify(built.bundle, null, 2));
  });
}
