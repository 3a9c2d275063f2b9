-- Login throttling per account (server/consult/login-throttle.ts), shared by every server
-- process on the database. One row per e-mail that was tried (known or not, so that the answers
-- say nothing about which e-mails exist): attempts since the last success, and the time before
-- which the next attempt from an unknown browser is refused. Rows not touched for a day are
-- deleted. Neither table needs a backup.
CREATE TABLE login_throttle (
  account text PRIMARY KEY CHECK (char_length(account) BETWEEN 1 AND 254),
  attempts integer NOT NULL,
  blocked_until timestamptz NOT NULL,
  last_attempt_at timestamptz NOT NULL
);
CREATE INDEX login_throttle_last_attempt ON login_throttle (last_attempt_at);

-- Browsers (SHA-256 of their signed participant token) where an account logged in with its
-- password: they are not held back by the account's throttle, so an attacker guessing from
-- elsewhere cannot lock the real moderator out of the browser they use. Forgotten after 90 days
-- without a login from them.
CREATE TABLE login_devices (
  account text NOT NULL CHECK (char_length(account) BETWEEN 1 AND 254),
  device_hash text NOT NULL CHECK (device_hash ~ '^[0-9a-f]{64}$'),
  last_login_at timestamptz NOT NULL,
  PRIMARY KEY (account, device_hash)
);
