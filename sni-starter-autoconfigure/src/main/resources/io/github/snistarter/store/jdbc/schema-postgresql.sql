-- The PostgreSQL certificate store of the SNI starter (sni.jdbc.*), PostgreSQL 11 or later.
--
-- Safe to run again: it creates what is missing and replaces the functions. The starter
-- runs it at start with sni.jdbc.create-schema=true; otherwise apply it with your
-- migration tool (classpath:io/github/snistarter/store/jdbc/schema-postgresql.sql).
--
-- Every write to sni_certificate, by the starter's admin API or by plain SQL, takes the
-- next revision of the store (serialized by the row lock on sni_certificate_revision, so
-- revisions are taken in commit order), stamps it as the row's version, and notifies
-- channel 'sni_certificate_changes' when it commits. Replicas listen on that channel and
-- also poll the revision, then apply what changed since the revision they hold.

CREATE TABLE IF NOT EXISTS sni_certificate (
	-- Chosen by whoever adds the certificate: a tenant, a host name, an order number.
	id             varchar(200) PRIMARY KEY,
	-- The store revision of the row's last write; set by trigger sni_certificate_stamp.
	version        bigint       NOT NULL DEFAULT 0,
	-- The names the certificate serves: lower-case A-labels, wildcards as '*.example.com'.
	-- Every name must be covered by the certificate; a subset of its DNS names is allowed.
	names          text[]       NOT NULL CHECK (cardinality(names) > 0),
	-- The leaf's validity and key algorithm (RSA, EC, EDDSA, OTHER), for queries and reports.
	not_before     timestamptz  NOT NULL,
	not_after      timestamptz  NOT NULL,
	key_algorithm  varchar(16)  NOT NULL,
	-- The certificate chain as PEM, leaf first. Public material.
	chain_pem      text         NOT NULL,
	-- The private key, encrypted: format byte, 96-bit nonce, AES-256-GCM ciphertext and tag.
	key_ciphertext bytea        NOT NULL,
	-- Which master key (sni.jdbc.encryption.keys.<id>) encrypted it.
	key_id         varchar(64)  NOT NULL,
	updated_at     timestamptz  NOT NULL DEFAULT now()
);

-- Exact and wildcard lookup: WHERE names && ARRAY['a.example.com', '*.example.com']
CREATE INDEX IF NOT EXISTS sni_certificate_names_idx ON sni_certificate USING gin (names);
CREATE INDEX IF NOT EXISTS sni_certificate_not_after_idx ON sni_certificate (not_after);

CREATE TABLE IF NOT EXISTS sni_certificate_revision (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	revision  bigint  NOT NULL
);

INSERT INTO sni_certificate_revision (singleton, revision) VALUES (true, 0) ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION sni_certificate_next_revision() RETURNS bigint
LANGUAGE sql AS $$
	UPDATE sni_certificate_revision SET revision = revision + 1 RETURNING revision
$$;

CREATE OR REPLACE FUNCTION sni_certificate_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.version := sni_certificate_next_revision();
	NEW.updated_at := now();
	RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION sni_certificate_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM sni_certificate_next_revision();
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION sni_certificate_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		PERFORM sni_certificate_next_revision();
	END IF;
	PERFORM pg_notify('sni_certificate_changes', (SELECT revision FROM sni_certificate_revision)::text);
	RETURN NULL;
END
$$;

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_trigger
			WHERE tgname = 'sni_certificate_stamp' AND tgrelid = 'sni_certificate'::regclass) THEN
		CREATE TRIGGER sni_certificate_stamp BEFORE INSERT OR UPDATE ON sni_certificate
			FOR EACH ROW EXECUTE FUNCTION sni_certificate_stamp();
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_trigger
			WHERE tgname = 'sni_certificate_deleted' AND tgrelid = 'sni_certificate'::regclass) THEN
		CREATE TRIGGER sni_certificate_deleted AFTER DELETE ON sni_certificate
			FOR EACH ROW EXECUTE FUNCTION sni_certificate_deleted();
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_trigger
			WHERE tgname = 'sni_certificate_notify' AND tgrelid = 'sni_certificate'::regclass) THEN
		CREATE TRIGGER sni_certificate_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sni_certificate
			FOR EACH STATEMENT EXECUTE FUNCTION sni_certificate_notify();
	END IF;
END
$$;
