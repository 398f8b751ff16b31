-- Row-level security for Supabase deployments (security, issue 5).
-- The API uses the service-role key, which bypasses RLS, and scopes every query to the caller itself; these
-- policies make direct client access (PostgREST with a user's JWT) safe too: a user reads only their own rows and
-- writes nothing directly (jobs are created and changed through the API only).
-- Applied only where Supabase's `auth` schema (auth.uid()) and the `authenticated` role exist: on plain
-- PostgreSQL this file is a no-op.
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'auth' AND p.proname = 'uid'
  ) OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    RAISE NOTICE 'no Supabase auth schema: row-level security policies not installed';
    RETURN;
  END IF;

  ALTER TABLE conversion_jobs ENABLE ROW LEVEL SECURITY;
  ALTER TABLE upload_idempotency_keys ENABLE ROW LEVEL SECURITY;

  DROP POLICY IF EXISTS conversion_jobs_owner_read ON conversion_jobs;
  CREATE POLICY conversion_jobs_owner_read ON conversion_jobs
    FOR SELECT TO authenticated
    USING (user_id = (SELECT auth.uid()) AND deleted_at IS NULL);

  DROP POLICY IF EXISTS upload_idempotency_keys_owner_read ON upload_idempotency_keys;
  CREATE POLICY upload_idempotency_keys_owner_read ON upload_idempotency_keys
    FOR SELECT TO authenticated
    USING (user_id = (SELECT auth.uid()));
END
$$;
