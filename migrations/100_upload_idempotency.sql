-- Idempotency-Key on upload (security, issue 5): the same key + the same file from the same user returns the
-- original job. The primary key makes concurrent claims race-safe; job_id is NULL while the first request runs.
CREATE TABLE IF NOT EXISTS upload_idempotency_keys (
  user_id         uuid NOT NULL,
  idempotency_key text NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
  file_sha256     text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  job_id          uuid REFERENCES conversion_jobs (id) ON DELETE CASCADE,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, idempotency_key)
);

CREATE INDEX IF NOT EXISTS upload_idempotency_keys_created_idx ON upload_idempotency_keys (created_at);
