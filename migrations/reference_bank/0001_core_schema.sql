-- 0001_core_schema.sql: the reference core-banking schema (schema "core").
--
-- What a bank's core system holds about its customers, in the bank's own codes. It is deliberately
-- NOT shaped like AMLYZE: sql/extract_customers.sql maps these codes to AMLYZE fields, the way an
-- integrator would for a real core system. Used by the demo, the tests and the benchmarks.
--
-- Like a real legacy core, the schema checks the shape of codes but does not insist on complete
-- data: a person without a last name or a citizenship can be stored here. The ETL must hold such
-- rows back itself (0002_generator.sql can create them on purpose).
--
-- Change tracking, which the extract relies on:
--   * every table has updated_at, maintained by a BEFORE UPDATE trigger (core.set_updated_at);
--   * any insert, update or delete of an address, contact or identity document also bumps its
--     customer's updated_at (core.touch_customer), so customer.updated_at alone is the customer's
--     latest change time (the extract's "_changed_at") and one index finds a change window.
--
-- Why clock_timestamp() and not now():
--   The ETL's next window starts at the previous extract's snapshot time minus a lookback. A row is
--   missed only if its updated_at lies before that start although its transaction committed after
--   the previous snapshot. now() is the writer's transaction START time, so a long transaction (an
--   end-of-day batch, a migration running for an hour) stamps its rows long before it commits and
--   easily falls outside any sensible lookback. clock_timestamp() is the time the row was written,
--   never earlier than now() and usually close to the commit, so the lookback only has to cover
--   the time between a row's write and its transaction's commit. That is why the defaults below
--   use clock_timestamp() too (an insert is a change as well). The residual risk - a transaction
--   that stays open longer than lookback_seconds after writing a customer - is the one the
--   lookback setting must be sized for.

CREATE SCHEMA IF NOT EXISTS core;

-- ---------------------------------------------------------------------------------------------
-- Customers
-- ---------------------------------------------------------------------------------------------
CREATE TABLE core.customer (
  id                   bigserial PRIMARY KEY,
  customer_no          text NOT NULL UNIQUE,          -- the bank's customer number: customerExtId
  kind                 char(1) NOT NULL,              -- P person, O organisation
  -- person
  first_name           text,
  last_name            text,
  birth_date           date,
  birth_country        char(2),
  citizenship          char(2),
  national_id          text,                          -- personal code where the country has one
  -- organisation
  legal_name           text,
  trading_name         text,
  registration_no      text,
  registration_country char(2),
  legal_form           text,                          -- the bank's legal-form code, see CHECK
  established_on       date,
  -- relationship
  status               char(1) NOT NULL DEFAULT 'N',  -- N new/pending, A active, S suspended,
                                                      -- R rejected, C closed
  closed_on            date,                          -- kept after a reopening: history, not state
  risk_rating          char(1),                       -- 0 none .. 4 prohibited; NULL not yet rated
  segment              text NOT NULL DEFAULT 'RETAIL',
  application_date     date NOT NULL,
  approved_on          date,
  pep_flag             boolean NOT NULL DEFAULT false,
  created_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at           timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT customer_kind_chk CHECK (kind IN ('P', 'O')),
  CONSTRAINT customer_status_chk CHECK (status IN ('N', 'A', 'S', 'R', 'C')),
  CONSTRAINT customer_closed_chk CHECK (status <> 'C' OR closed_on IS NOT NULL),
  CONSTRAINT customer_risk_chk CHECK (risk_rating IN ('0', '1', '2', '3', '4')),
  CONSTRAINT customer_segment_chk CHECK (segment IN ('RETAIL', 'PRIVATE', 'SME', 'CORP')),
  CONSTRAINT customer_legal_form_chk CHECK (legal_form IN (
    'UAB', 'AB', 'LTD', 'PLC', 'COOP', 'SOLE', 'SIA', 'AS', 'OU', 'SPZOO', 'SA', 'GMBH', 'AG',
    'OY', 'OYJ')),
  -- Country codes: the core checks their shape only, not that ISO 3166 knows them.
  CONSTRAINT customer_birth_country_chk CHECK (birth_country ~ '^[A-Z]{2}$'),
  CONSTRAINT customer_citizenship_chk CHECK (citizenship ~ '^[A-Z]{2}$'),
  CONSTRAINT customer_registration_country_chk CHECK (registration_country ~ '^[A-Z]{2}$'),
  CONSTRAINT customer_approved_chk CHECK (approved_on IS NULL OR approved_on >= application_date),
  -- A person row carries no organisation data and vice versa (names may still be missing).
  CONSTRAINT customer_kind_columns_chk CHECK (
    CASE kind
      WHEN 'P' THEN legal_name IS NULL AND trading_name IS NULL AND registration_no IS NULL
                AND registration_country IS NULL AND legal_form IS NULL AND established_on IS NULL
      ELSE first_name IS NULL AND last_name IS NULL AND birth_date IS NULL
                AND birth_country IS NULL AND citizenship IS NULL AND national_id IS NULL
    END)
);

COMMENT ON TABLE core.customer IS
  'Customers of the bank. updated_at is also bumped by changes to address, contact and '
  'identity_document (see core.touch_customer).';
COMMENT ON COLUMN core.customer.closed_on IS
  'Date of the last closure. Kept when a customer is reopened, so it only means "closed" when '
  'status = ''C''.';

-- The change window of the extract: WHERE updated_at >= $1.
CREATE INDEX customer_updated_at_idx ON core.customer (updated_at);

-- ---------------------------------------------------------------------------------------------
-- Addresses, contacts, identity documents
-- ---------------------------------------------------------------------------------------------
CREATE TABLE core.address (
  id           bigserial PRIMARY KEY,
  customer_id  bigint NOT NULL REFERENCES core.customer (id) ON DELETE CASCADE,
  address_type text NOT NULL,         -- HOME, POST (correspondence), REG (registered), OFFICE
  line1        text NOT NULL,         -- street, house, flat
  city         text,
  postcode     text,                  -- text: leading zeros (DE 04109, FI 00100) and prefixes (LT-)
  country      char(2) NOT NULL,
  is_primary   boolean NOT NULL DEFAULT false, -- the address the bank sends its mail to
  updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT address_type_chk CHECK (address_type IN ('HOME', 'POST', 'REG', 'OFFICE')),
  CONSTRAINT address_country_chk CHECK (country ~ '^[A-Z]{2}$')
);
CREATE INDEX address_customer_idx ON core.address (customer_id);
CREATE UNIQUE INDEX address_one_primary_idx ON core.address (customer_id) WHERE is_primary;

CREATE TABLE core.contact (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES core.customer (id) ON DELETE CASCADE,
  channel     text NOT NULL,          -- MOBILE, PHONE (fixed line), EMAIL, WEB
  value       text NOT NULL,
  preferred   boolean NOT NULL DEFAULT false,
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT contact_channel_chk CHECK (channel IN ('MOBILE', 'PHONE', 'EMAIL', 'WEB'))
);
CREATE INDEX contact_customer_idx ON core.contact (customer_id);
CREATE UNIQUE INDEX contact_one_preferred_idx ON core.contact (customer_id) WHERE preferred;

CREATE TABLE core.identity_document (
  id                bigserial PRIMARY KEY,
  customer_id       bigint NOT NULL REFERENCES core.customer (id) ON DELETE CASCADE,
  doc_type          text NOT NULL,    -- PASS, IDC, RESP (residence permit), DRVL, REGC
  doc_number        text NOT NULL,
  issued_on         date,
  expires_on        date,
  issuing_country   char(2),
  issuing_authority text,
  updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT identity_document_type_chk CHECK (doc_type IN ('PASS', 'IDC', 'RESP', 'DRVL', 'REGC')),
  CONSTRAINT identity_document_country_chk CHECK (issuing_country ~ '^[A-Z]{2}$'),
  CONSTRAINT identity_document_dates_chk CHECK (expires_on IS NULL OR issued_on IS NULL
                                                OR expires_on > issued_on)
);
CREATE INDEX identity_document_customer_idx ON core.identity_document (customer_id);

-- ---------------------------------------------------------------------------------------------
-- updated_at on every table
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION core.set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- clock_timestamp(), not now(): see the header of this file.
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END
$$;

-- WHEN: an UPDATE that rewrites identical values is not a change and must not wake the ETL.
CREATE TRIGGER customer_set_updated_at BEFORE UPDATE ON core.customer
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION core.set_updated_at();
CREATE TRIGGER address_set_updated_at BEFORE UPDATE ON core.address
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION core.set_updated_at();
CREATE TRIGGER contact_set_updated_at BEFORE UPDATE ON core.contact
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION core.set_updated_at();
CREATE TRIGGER identity_document_set_updated_at BEFORE UPDATE ON core.identity_document
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION core.set_updated_at();

-- ---------------------------------------------------------------------------------------------
-- A change to a customer's address, contact or document is a change to the customer
-- ---------------------------------------------------------------------------------------------
-- Statement-level with transition tables: one UPDATE of the affected customers per statement, so a
-- bulk change of a million addresses costs one set-based update, not a million single-row ones.
-- Transition tables allow one event per trigger, hence three triggers per child table. An UPDATE
-- that moves a row to another customer bumps both customers; one that changes nothing bumps none.
--
-- The generator (0002) sets core.suppress_customer_touch = 'on' for its own duration only: the
-- customers it inserts are new in the same transaction, so bumping them would just rewrite every
-- row once more. Nothing else should set it.
CREATE FUNCTION core.touch_customer() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('core.suppress_customer_touch', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    UPDATE core.customer c SET updated_at = clock_timestamp()
     WHERE c.id IN (SELECT customer_id FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE core.customer c SET updated_at = clock_timestamp()
     WHERE c.id IN (SELECT customer_id FROM old_rows);
  ELSE
    -- Only rows that really changed: an UPDATE rewriting identical values is not a change.
    -- FULL JOIN: a row whose id changed shows up on both sides unmatched, and counts.
    UPDATE core.customer c SET updated_at = clock_timestamp()
     WHERE c.id IN (SELECT x.customer_id
                      FROM new_rows n
                      FULL JOIN old_rows o ON o.id = n.id
                     CROSS JOIN LATERAL (VALUES (n.customer_id), (o.customer_id)) AS x(customer_id)
                     WHERE o IS DISTINCT FROM n);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER address_touch_customer_ins AFTER INSERT ON core.address
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION core.touch_customer();
CREATE TRIGGER address_touch_customer_upd AFTER UPDATE ON core.address
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION core.touch_customer();
CREATE TRIGGER address_touch_customer_del AFTER DELETE ON core.address
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION core.touch_customer();

CREATE TRIGGER contact_touch_customer_ins AFTER INSERT ON core.contact
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION core.touch_customer();
CREATE TRIGGER contact_touch_customer_upd AFTER UPDATE ON core.contact
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION core.touch_customer();
CREATE TRIGGER contact_touch_customer_del AFTER DELETE ON core.contact
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION core.touch_customer();

CREATE TRIGGER identity_document_touch_customer_ins AFTER INSERT ON core.identity_document
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION core.touch_customer();
CREATE TRIGGER identity_document_touch_customer_upd AFTER UPDATE ON core.identity_document
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION core.touch_customer();
CREATE TRIGGER identity_document_touch_customer_del AFTER DELETE ON core.identity_document
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION core.touch_customer();
