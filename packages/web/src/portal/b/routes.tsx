/**
 * The portal pages for appointments, intake forms, messages, refills, billing and corrections.
 * PortalApp mounts these beside its own pages.
 */
import type { PortalRoute } from '../portal-context.ts';

export const portalRoutesB: PortalRoute[] = [];
