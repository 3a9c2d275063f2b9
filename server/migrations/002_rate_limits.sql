-- Request counters of the rate limits, shared by every server process on one PostgreSQL
-- database (server/consult/rate-store.ts). One row per client, route and window; rows whose
-- window has ended are reused or deleted. PGlite (one process) keeps its counters in memory
-- and leaves this table empty.
CREATE TABLE rate_limit_hits (
  key text PRIMARY KEY,
  hits integer NOT NULL,
  resets_at timestamptz NOT NULL
);
CREATE INDEX rate_limit_hits_resets_at ON rate_limit_hits (resets_at);
