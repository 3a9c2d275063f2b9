-- Public consultation (issue 11): consultations and their proposals, participants (pseudonymous),
-- pinned contributions with their moderation state, votes, moderators and their sessions, the
-- audit log, and the server's secrets. Runs unchanged on PostgreSQL 15+ and PGlite.
-- Length checks repeat the API's limits (which count UTF-16 units, so they are the stricter).

CREATE TABLE server_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE consultations (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,63}$'),
  city text NOT NULL CHECK (char_length(city) BETWEEN 1 AND 64),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description text NOT NULL CHECK (char_length(description) <= 5000),
  opens_at timestamptz NOT NULL,
  closes_at timestamptz NOT NULL,
  scenario_id text CHECK (char_length(scenario_id) BETWEEN 1 AND 128),
  tour_id text CHECK (char_length(tour_id) BETWEEN 1 AND 128),
  area_west double precision NOT NULL,
  area_south double precision NOT NULL,
  area_east double precision NOT NULL,
  area_north double precision NOT NULL,
  camera jsonb,
  categories jsonb NOT NULL,
  sample boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (closes_at > opens_at),
  CHECK (area_west < area_east AND area_south < area_north)
);

CREATE TABLE proposals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  consultation_id text NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
  rank integer NOT NULL,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description text NOT NULL CHECK (char_length(description) <= 2000),
  position jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX proposals_by_consultation ON proposals (consultation_id, rank);

-- A participant is a browser: the SHA-256 of the random token in its httpOnly cookie.
CREATE TABLE participants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE moderators (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE CHECK (email = lower(email) AND char_length(email) BETWEEN 3 AND 254),
  display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 60),
  role text NOT NULL CHECK (role IN ('moderator', 'admin')),
  password_hash text NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE moderator_sessions (
  token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  moderator_id uuid NOT NULL REFERENCES moderators (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX moderator_sessions_by_moderator ON moderator_sessions (moderator_id);

CREATE TABLE contributions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  consultation_id text NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
  participant_id uuid NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
  lon_deg double precision NOT NULL CHECK (lon_deg BETWEEN -180 AND 180),
  lat_deg double precision NOT NULL CHECK (lat_deg BETWEEN -90 AND 90),
  height_m double precision NOT NULL CHECK (height_m BETWEEN -500 AND 10000),
  camera jsonb,
  category text NOT NULL CHECK (char_length(category) BETWEEN 1 AND 40),
  body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
  display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 60),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'rejected')),
  reject_reason text CHECK (char_length(reject_reason) BETWEEN 1 AND 500),
  moderated_by uuid REFERENCES moderators (id) ON DELETE SET NULL,
  moderated_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK ((status = 'rejected') = (reject_reason IS NOT NULL)),
  CHECK ((status = 'pending') = (moderated_at IS NULL))
);
CREATE INDEX contributions_by_state ON contributions (consultation_id, status, created_at DESC);
CREATE INDEX contributions_by_participant ON contributions (participant_id, consultation_id);

-- One vote per participant and proposal (the primary key): changing one's mind replaces it.
CREATE TABLE votes (
  proposal_id uuid NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
  participant_id uuid NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
  stance text NOT NULL CHECK (stance IN ('support', 'oppose')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (proposal_id, participant_id)
);
CREATE INDEX votes_by_participant ON votes (participant_id);

-- What moderators, administrators and the command line did, and failed logins.
CREATE TABLE audit_log (
  id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor text NOT NULL CHECK (char_length(actor) BETWEEN 1 AND 300),
  action text NOT NULL CHECK (char_length(action) BETWEEN 1 AND 60),
  target text CHECK (char_length(target) <= 300),
  detail jsonb
);
CREATE INDEX audit_log_by_time ON audit_log (at DESC);
