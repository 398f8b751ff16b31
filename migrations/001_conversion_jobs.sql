-- Conversion jobs: one row per uploaded PDF. Plain SQL that also applies on Supabase's PostgreSQL (13+).

DO $$
BEGIN
  CREATE TYPE job_status AS ENUM (
    'UPLOADED', 'ANALYZING', 'EXTRACTING', 'STRUCTURING', 'GENERATING', 'COMPLETED', 'FAILED', 'CANCELLED'
  );
EXCEPTION
  WHEN duplicate_object THEN NULL;
END
$$;

CREATE TABLE IF NOT EXISTS conversion_jobs (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           uuid NOT NULL,
  status            job_status NOT NULL DEFAULT 'UPLOADED',
  progress          smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  stage_metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
  error_code        text,
  error_message     text,
  original_filename text NOT NULL,
  page_count        integer CHECK (page_count >= 0),
  quality_report    jsonb,
  input_path        text NOT NULL,
  output_path       text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  completed_at      timestamptz,
  deleted_at        timestamptz
);

CREATE INDEX IF NOT EXISTS conversion_jobs_status_active_idx
  ON conversion_jobs (status) WHERE deleted_at IS NULL;

CREATE INDEX IF NOT EXISTS conversion_jobs_user_created_idx
  ON conversion_jobs (user_id, created_at);
