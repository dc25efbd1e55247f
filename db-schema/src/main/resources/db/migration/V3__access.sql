-- Who may see and do what (issue 14). Written by job-service (sign-in, the admin API); read by
-- every service that checks a caller (the gateway reads only). See docs/SECURITY.md.

-- People and scripts. Names are what they sign in with; passwords are stored as Spring Security's
-- DelegatingPasswordEncoder writes them ("{bcrypt}..."), never in clear.
CREATE TABLE users (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text        NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9._@-]{1,64}$'),
    password_hash text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    -- A session signed before this instant is no longer valid: sign-out, password change, a
    -- disabled user. Checked on every request (sessions are signed tokens, not stored).
    sessions_valid_after timestamptz NOT NULL DEFAULT now(),
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Teams are names; a user belongs to any number of them, and sees their jobs.
CREATE TABLE user_teams (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    team    text   NOT NULL CHECK (team ~ '^[A-Za-z0-9._-]{1,64}$'),
    PRIMARY KEY (user_id, team)
);

-- API tokens for scripts (Authorization: Bearer qt_...): only a SHA-256 of the token is kept,
-- so the table leaks nothing that can be replayed. A token acts as its user, with the user's role
-- and teams at the time of each request.
CREATE TABLE api_tokens (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea       NOT NULL UNIQUE,
    description text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    revoked_at  timestamptz
);

-- One-time sign-in links (the dev stack prints one at start, as Jupyter does): a SHA-256 of the
-- secret, spent on first use, short-lived.
CREATE TABLE signin_links (
    token_hash bytea       PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
);

-- A job belongs to one team: set at creation from the caller's teams. NULL for jobs created before
-- teams existed and for jobs first seen in events: only admins see those.
ALTER TABLE jobs ADD COLUMN team text;
CREATE INDEX jobs_team_created ON jobs (team, created_at DESC, id DESC);
