import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema. Table names are unqualified: every connection's search_path points at the configured schema
 * (see `database.ts`), so the same migration builds `public` in production and `catwalk_test_<random>` in tests.
 * Ids come from the Ids port (no uuid-ossp / pgcrypto needed, which PGlite lacks).
 */
export class InitialSchema1767225600000 implements MigrationInterface {
  readonly name = 'InitialSchema1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id text PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL CONSTRAINT users_role_check CHECK (role IN ('admin', 'user')),
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        prefix text NOT NULL,
        hash text NOT NULL CONSTRAINT api_keys_hash_key UNIQUE,
        name text NOT NULL,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX api_keys_user_created ON api_keys (user_id, created_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE deployments (
        id uuid PRIMARY KEY,
        owner_id text NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
        name text NOT NULL,
        source text NOT NULL,
        package_runtime text NOT NULL CONSTRAINT deployments_runtime_check CHECK (package_runtime IN ('npm', 'python')),
        package_name text NOT NULL,
        package_version text NOT NULL,
        status text NOT NULL CONSTRAINT deployments_status_check
          CHECK (status IN ('pending', 'deploying', 'running', 'stopped', 'failed')),
        machine_id text CONSTRAINT deployments_machine_id_key UNIQUE,
        config jsonb NOT NULL,
        upstream_url text,
        access_token_hash text NOT NULL,
        error_message text,
        tools jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version integer NOT NULL CONSTRAINT deployments_version_check CHECK (version >= 1)
      )`);
    await queryRunner.query(`CREATE INDEX deployments_owner_created ON deployments (owner_id, created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX deployments_status_created ON deployments (status, created_at, id)`);
    await queryRunner.query(`
      CREATE TABLE credentials (
        deployment_id uuid NOT NULL CONSTRAINT credentials_deployment_id_key UNIQUE
          REFERENCES deployments (id) ON DELETE CASCADE,
        key_id text NOT NULL,
        nonce bytea NOT NULL,
        ciphertext bytea NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (deployment_id)
      )`);
    await queryRunner.query(`CREATE INDEX credentials_key_id ON credentials (key_id, deployment_id)`);
    await queryRunner.query(`
      CREATE TABLE deployment_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        deployment_id uuid NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
        type text NOT NULL CONSTRAINT deployment_events_type_check
          CHECK (type IN ('created', 'status_changed', 'token_rotated', 'credentials_updated', 'progress')),
        at timestamptz NOT NULL,
        from_status text,
        to_status text,
        message text
      )`);
    await queryRunner.query(`CREATE INDEX deployment_events_deployment ON deployment_events (deployment_id, id)`);
    await queryRunner.query(`
      CREATE TABLE analysis_cache (
        source_key text PRIMARY KEY,
        data jsonb NOT NULL,
        stored_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX analysis_cache_expires_at ON analysis_cache (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['analysis_cache', 'deployment_events', 'credentials', 'deployments', 'api_keys', 'users']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
