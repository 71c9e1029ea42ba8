-- The case journal, SQLite dialect. Times are Unix microseconds (UTC); JSON is TEXT.
-- Keep in step with ../postgres/0001_journal.sql (same tables, columns and meaning).

-- One row per case: its ids and the current version (compare-and-set on `version`).
CREATE TABLE kyc_cases (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    provider        TEXT    NOT NULL,
    case_id         TEXT,
    reference       TEXT,
    reference_key   TEXT,
    status          TEXT    NOT NULL,
    status_json     TEXT    NOT NULL,
    version         BIGINT  NOT NULL DEFAULT 0,
    case_json       TEXT,
    is_final        BIGINT  NOT NULL DEFAULT 0,
    last_changed_at BIGINT,
    decided_at      BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    reconciled_at   BIGINT,
    purged_at       BIGINT
);
CREATE UNIQUE INDEX kyc_cases_by_case_id ON kyc_cases (provider, case_id);
CREATE UNIQUE INDEX kyc_cases_by_reference ON kyc_cases (provider, reference_key);
CREATE INDEX kyc_cases_by_update ON kyc_cases (updated_at, id);

-- Every version of a case the journal stored: the status trail.
CREATE TABLE kyc_case_versions (
    case_row    BIGINT NOT NULL REFERENCES kyc_cases (id),
    version     BIGINT NOT NULL,
    status      TEXT   NOT NULL,
    status_json TEXT   NOT NULL,
    case_json   TEXT,
    source      TEXT   NOT NULL,
    notice_id   BIGINT,
    stored_at   BIGINT NOT NULL,
    PRIMARY KEY (case_row, version)
);

-- Every webhook as received (source 'webhook': raw body, receive time, peer, event) and its
-- resolution state; IDnow bodies read by reconciliation are kept the same way (source 'read').
CREATE TABLE kyc_notices (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    case_row         BIGINT  NOT NULL REFERENCES kyc_cases (id),
    provider         TEXT    NOT NULL,
    case_id          TEXT,
    reference        TEXT,
    source           TEXT    NOT NULL,
    event            TEXT    NOT NULL,
    body             BLOB,
    body_sha256      TEXT    NOT NULL,
    body_len         BIGINT  NOT NULL,
    peer             TEXT,
    received_at      BIGINT  NOT NULL,
    last_received_at BIGINT  NOT NULL,
    deliveries       BIGINT  NOT NULL DEFAULT 1,
    state            TEXT    NOT NULL,
    tries            BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT  NOT NULL,
    claimed_by       TEXT,
    lease_until      BIGINT,
    last_error       TEXT,
    resolved_at      BIGINT,
    purged_at        BIGINT
);
-- A redelivery of a notice that is still waiting is recorded once (see docs/journal.md).
CREATE UNIQUE INDEX kyc_notices_waiting ON kyc_notices (case_row, body_sha256)
    WHERE state IN ('pending', 'retry');
CREATE INDEX kyc_notices_claim ON kyc_notices (provider, state, next_attempt_at);
CREATE INDEX kyc_notices_by_case ON kyc_notices (case_row, id);

-- IDnow: each distinct event a webhook (or a read) reported, the material of the attempt trail.
CREATE TABLE kyc_events (
    case_row     BIGINT NOT NULL REFERENCES kyc_cases (id),
    event_key    TEXT   NOT NULL,
    kind         TEXT   NOT NULL,
    event_time   BIGINT,
    seen_at      BIGINT NOT NULL,
    attempt_json TEXT   NOT NULL,
    notice_id    BIGINT NOT NULL,
    PRIMARY KEY (case_row, event_key)
);

-- Every attempt of a case, with a stable id and the payload that reported it.
CREATE TABLE kyc_attempts (
    id                TEXT   PRIMARY KEY,
    case_row          BIGINT NOT NULL REFERENCES kyc_cases (id),
    ordinal           BIGINT NOT NULL,
    method            TEXT   NOT NULL,
    status            TEXT   NOT NULL,
    attempt_json      TEXT   NOT NULL,
    payload           TEXT,
    payload_notice_id BIGINT,
    payloads_json     TEXT   NOT NULL,
    started_at        BIGINT,
    finished_at       BIGINT,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX kyc_attempts_by_case ON kyc_attempts (case_row, ordinal);

-- Creates whose outcome must be known before another is sent (POSTIDENT).
CREATE TABLE kyc_intents (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    provider   TEXT   NOT NULL,
    reference  TEXT   NOT NULL,
    state      TEXT   NOT NULL,
    case_id    TEXT,
    detail     TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX kyc_intents_open ON kyc_intents (provider, reference)
    WHERE state IN ('sending', 'unknown', 'needs_check');
