/**
 * The referrals part of cross-organization exchange: its FHIR routes (see exchange/routes.ts).
 * Staff operations name their target so the guard checks it is visible (404 otherwise); the
 * handlers then let only physicians and nurses through (callers.ts). Partner operations are
 * marked `partner`: the guard lets partner deployments reach them, and their handlers refuse
 * every other caller.
 */
import type { Route } from '../../api/router.ts';
import type { RouteAccess } from '../../api/guard.ts';
import { partnerReceiveOperation } from './messaging/receive.ts';
import { sendToPartnerOperation } from './messaging/send.ts';
import { referralReceiveOperation } from './receive.ts';
import { referOperation, resendReferralOperation } from './refer.ts';
import { referralRespondOperation } from './respond.ts';
import { referralUpdateOperation } from './update.ts';

const on = (type: string, id: string | undefined): RouteAccess => ({ interaction: 'operation', type, target: { type, id: id! } });
const fromPartner = (type: string): RouteAccess => ({ interaction: 'operation', type, partner: true });

export const REFERRALS_ROUTES: Route[] = [
  { pattern: ['Patient', ':id', '$refer'], methods: { POST: referOperation }, access: (_m, [id]) => on('Patient', id) },
  { pattern: ['Task', '$referral-receive'], methods: { POST: referralReceiveOperation }, access: () => fromPartner('Task') },
  { pattern: ['Task', '$referral-update'], methods: { POST: referralUpdateOperation }, access: () => fromPartner('Task') },
  { pattern: ['Task', ':id', '$resend-referral'], methods: { POST: resendReferralOperation }, access: (_m, [id]) => on('Task', id) },
  { pattern: ['Task', ':id', '$referral-respond'], methods: { POST: referralRespondOperation }, access: (_m, [id]) => on('Task', id) },
  { pattern: ['Communication', '$send-to-partner'], methods: { POST: sendToPartnerOperation }, access: () => ({ interaction: 'operation', type: 'Communication' }) },
  { pattern: ['Communication', '$partner-receive'], methods: { POST: partnerReceiveOperation }, access: () => fromPartner('Communication') },
];
