-- FHIR Subscriptions (exchange/subscriptions/): the outbox of notifications.
--
-- subscription_target mirrors each Subscription resource's delivery settings (topic, patient
-- filter, status), written by a companion in the same transaction as the Subscription, so that a
-- clinical write can find the Subscriptions its event concerns with one indexed INSERT ... SELECT
-- (nothing at all when none is active). `verified` is set when the handshake succeeded: only then
-- may the Subscription be `active`. `events` numbers the notifications (eventsSinceSubscriptionStart).
CREATE TABLE IF NOT EXISTS subscription_target (
  tenant_id text NOT NULL,
  subscription_id text NOT NULL,
  topic text NOT NULL,
  patient_id text,
  status text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  partner_org text,
  events bigint NOT NULL DEFAULT 0,
  failures int NOT NULL DEFAULT 0,
  last_error text,
  PRIMARY KEY (tenant_id, subscription_id)
);
CREATE INDEX IF NOT EXISTS subscription_target_topic ON subscription_target (tenant_id, topic) WHERE status = 'active';

-- One row per notification to send (a handshake, or one event for one Subscription), recorded in
-- the transaction of the write that caused it. The delivery loops claim due rows with FOR UPDATE
-- SKIP LOCKED and a lease (next_attempt moved ahead), send, then mark them delivered, or due again
-- later with exponential backoff, or failed after the last attempt.
CREATE TABLE IF NOT EXISTS subscription_delivery (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  subscription_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('handshake', 'event-notification')),
  topic text NOT NULL,
  focus_type text,
  focus_id text,
  focus_version int,
  patient_id text,
  event_number bigint,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'skipped')),
  attempts int NOT NULL DEFAULT 0,
  next_attempt timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  last_error text
);
CREATE INDEX IF NOT EXISTS subscription_delivery_due ON subscription_delivery (next_attempt) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS subscription_delivery_subscription ON subscription_delivery (tenant_id, subscription_id, state);

-- The receiving side: the partner Subscriptions this deployment asked for ($follow-partner), by
-- the Subscription's URL at the partner, so that an incoming notification lands in the tenant
-- (and on the local patient) that followed it.
CREATE TABLE IF NOT EXISTS subscription_follow (
  remote_subscription text PRIMARY KEY,
  tenant_id text NOT NULL,
  partner_org text NOT NULL,
  patient_id text NOT NULL,
  topic text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
