-- Revocation: an agent's credential revoked (its next upload is refused,
-- its host shown as revoked) and a user disabled (no login, sessions
-- ended), each at a time (0: not). An enrolment token is revoked by
-- spending its uses.
ALTER TABLE agents ADD COLUMN revoked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN revoked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled BIGINT NOT NULL DEFAULT 0;
