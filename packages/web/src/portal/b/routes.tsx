/**
 * The portal pages for appointments, intake forms, messages, billing and corrections.
 * PortalApp mounts these beside its own pages; each page gets the portal's FHIR client as the
 * app's FhirContext.
 */
import type { ReactNode } from 'react';
import type { PortalRoute } from '../portal-context.ts';
import { Appointments } from './appointments/Appointments.tsx';
import { BookAppointment } from './appointments/BookAppointment.tsx';
import { Billing } from './billing/Billing.tsx';
import { Corrections } from './corrections/Corrections.tsx';
import { Intake } from './intake/Intake.tsx';
import { Messages } from './messages/Messages.tsx';
import { Thread } from './messages/Thread.tsx';
import { WithPortalClient } from './PortalPage.tsx';

const page = (element: ReactNode) => <WithPortalClient>{element}</WithPortalClient>;

export const portalRoutesB: PortalRoute[] = [
  { path: 'appointments', label: 'Appointments', nav: 'primary', element: page(<Appointments />) },
  { path: 'appointments/book', label: 'Book an appointment', nav: 'hidden', element: page(<BookAppointment />) },
  { path: 'intake/:appointmentId', label: 'Pre-visit form', nav: 'hidden', element: page(<Intake />) },
  { path: 'messages', label: 'Messages', nav: 'primary', element: page(<Messages />) },
  { path: 'messages/:threadId', label: 'Conversation', nav: 'hidden', element: page(<Thread />) },
  { path: 'billing', label: 'Billing', nav: 'more', element: page(<Billing />) },
  { path: 'corrections', label: 'Corrections', nav: 'more', element: page(<Corrections />) },
];
