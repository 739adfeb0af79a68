-- Each audit event carries an HMAC of (chain, seq, hash) under a key derived from CHARTER_MASTER_KEY, which the database
-- never holds: rows written or re-hashed with SQL cannot carry a valid one. Rows written before this migration have none.
ALTER TABLE "AuditEvent" ADD COLUMN "mac" TEXT;
