-- Account email addresses and sealed TOTP secrets (identity issue, mail slice).
--
-- `email`: where password-reset links (and later invitations) are mailed. Optional; not unique,
-- since one person may hold several accounts (a parent's own portal account and the proxy account
-- for a child). It is looked up without regard to case by the "forgot password" page. The shape
-- check is a last line: the account service checks it more strictly first; no blanks (so no
-- header injection), one @, at most 254 characters (RFC 5321).
ALTER TABLE user_account ADD COLUMN email text
  CHECK (length(email) <= 254 AND email ~ '^[^[:space:]@]+@[^[:space:]@]+$');
CREATE INDEX user_account_email ON user_account (tenant_id, lower(email)) WHERE email IS NOT NULL;

-- `totp_secret` now holds the secret sealed with AES-256-GCM under a data key
-- (`enc1.<key id>.<iv>.<ciphertext>`, see secrets/secret-box.ts). Secrets stored in plain base32
-- by earlier versions stay readable; every start seals them (identity/totp-reseal.ts), which SQL
-- cannot do, since the key is not in the database.
ALTER TABLE user_account DROP CONSTRAINT user_account_totp_secret_check;
ALTER TABLE user_account ADD CONSTRAINT user_account_totp_secret_check
  CHECK (totp_secret ~ '^enc1\.[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$' OR totp_secret ~ '^[A-Z2-7]{16,128}$');
