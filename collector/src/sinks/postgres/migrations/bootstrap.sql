-- Runs on every `hindsight-collector migrate`, before the versioned files, as the privileged login of
-- the migrate config. Idempotent. Roles are cluster-wide, so they are shared by every database of the
-- cluster and may be created at the same moment by a migrate in another database: the existence
-- checks below therefore also swallow the duplicate errors such a race produces.
-- Passwords arrive through transaction-local settings set with bind parameters just before this file
-- runs, so they never appear in the SQL text; an empty or missing setting leaves the password as is.

DO $$
DECLARE
  spec record;
BEGIN
  FOR spec IN
    SELECT * FROM (VALUES
      -- Nobody logs in as the owner: migrate reaches it through SET ROLE, which keeps DDL rights
      -- away from any credential an application holds.
      ('hindsight_owner', 'NOLOGIN'),
      ('hindsight_writer', 'LOGIN'),
      ('hindsight_reader', 'LOGIN'),
      -- The operator API's admin writes (run metadata, pin/unpin): nothing else (migration 005).
      ('hindsight_operator', 'LOGIN')
    ) AS r(name, login)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = spec.name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I %s NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION', spec.name, spec.login);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- created concurrently by a migrate of another database
      END;
    END IF;
  END LOOP;
END
$$;

DO $$
DECLARE
  spec record;
  pw text;
BEGIN
  FOR spec IN SELECT * FROM (VALUES ('hindsight_writer'), ('hindsight_reader'), ('hindsight_operator')) AS r(name) LOOP
    pw := current_setting('hindsight.password_' || spec.name, true);
    IF pw IS NOT NULL AND pw <> '' THEN
      EXECUTE format('ALTER ROLE %I PASSWORD %L', spec.name, pw);
    END IF;
  END LOOP;
END
$$;

-- A non-superuser migrate login (CREATEROLE) must be a member of the owner to SET ROLE to it.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
     AND NOT pg_catalog.pg_has_role(current_user, 'hindsight_owner', 'MEMBER') THEN
    EXECUTE format('GRANT hindsight_owner TO %I', current_user);
  END IF;
END
$$;

DO $$
BEGIN
  EXECUTE format('GRANT CONNECT, CREATE, TEMPORARY ON DATABASE %I TO hindsight_owner', current_database());
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO hindsight_writer, hindsight_reader, hindsight_operator', current_database());
END
$$;

CREATE SCHEMA IF NOT EXISTS hindsight AUTHORIZATION hindsight_owner;
REVOKE ALL ON SCHEMA hindsight FROM PUBLIC;
GRANT USAGE ON SCHEMA hindsight TO hindsight_writer, hindsight_reader, hindsight_operator;

SET LOCAL ROLE hindsight_owner;

CREATE TABLE IF NOT EXISTS hindsight.schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  -- sha256 of the file as applied: editing an applied migration is refused instead of silently ignored
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- The sink checks at start that the schema is recent enough for it.
GRANT SELECT ON hindsight.schema_migrations TO hindsight_writer, hindsight_reader;

-- Tables created later by the owner (journal partitions) are readable by the reader directly.
ALTER DEFAULT PRIVILEGES FOR ROLE hindsight_owner IN SCHEMA hindsight GRANT SELECT ON TABLES TO hindsight_reader;

RESET ROLE;
