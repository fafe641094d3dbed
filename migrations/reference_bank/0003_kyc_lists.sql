-- 0003_kyc_lists.sql: related parties and the KYC questionnaire of the reference core-banking
-- schema, and their synthetic data.
--
-- Like 0001, these tables hold what a bank's core and onboarding systems keep, in the bank's own
-- codes, NOT shaped like AMLYZE; sql/extract_customers.sql maps them to listRelatedEntity,
-- listDeclaredTurnover, listIncomeSource, listSourceOfWealth, listPaymentPurpose,
-- listPaymentCountry, listCountryOfActivity, listCountryOfTaxPayment, listOrderedService,
-- listAdditionalValues, fieldOfActivity and a few scalars. Again the schema checks the shape of
-- codes but not that the data is complete.
--
--   core.related_party        owners, shareholders, directors, signatories of organisations;
--                             representatives and guardians of persons; with the party's own
--                             address, contact and identity document as the KYC form records
--                             them (one each, flat)
--   core.kyc_profile          the KYC questionnaire's single answers (one row per customer):
--                             occupation of persons, facts about organisations, cash intensity
--   core.kyc_turnover         declared turnover bands
--   core.kyc_income_source    sources of income with their share
--   core.kyc_wealth_source    sources of wealth with an amount
--   core.kyc_payment_purpose  purposes of incoming and outgoing payments
--   core.kyc_country          countries of business activity, countries payments come from/go to
--   core.tax_residence        tax residence countries with the taxpayer number there
--   core.customer_service     products the customer has (open and closed)
--   core.attribute_def        definitions of client-specific attributes (a dictionary)
--   core.customer_attribute   the customers' values of those attributes (typed columns)
--
-- Change tracking is the same as for addresses, contacts and documents (0001): every table with a
-- customer_id has updated_at (core.set_updated_at) and bumps its customer's updated_at on insert,
-- update and delete (core.touch_customer), so customer.updated_at stays the customer's latest
-- change time. core.attribute_def is reference data: changing a label there changes the payload
-- of every customer with that attribute without bumping them; resend them with `run --full`.
--
-- The generator: this file renames 0002's core.generate_customers to
-- core.generate_base_customers and defines core.generate_customers(p_count, p_first,
-- p_invalid_every) anew, which calls it and then core.generate_kyc_lists for the same customers.
-- Same arguments, same customers as before (numbers, kinds, statuses, defects); see the end of
-- this file (which also explains why a superuser's call skips the foreign-key checks).

-- ---------------------------------------------------------------------------------------------
-- Related parties
-- ---------------------------------------------------------------------------------------------
-- Roles (the bank's codes; the extract maps them to AMLYZE's relationType classifier):
--   UBO  ultimate beneficial owner (a person owning or controlling >= 25%), with share
--   SHR  shareholder that is not a UBO (often a company), with share
--   DIR  director, board member, CEO
--   SIG  authorised signatory (may operate the accounts)
--   REP  representative of a person (power of attorney)
--   GRD  guardian of a person (court-appointed)
-- ended_on: the relation has ended (a former director); kept as history, not sent.
CREATE TABLE core.related_party (
  id                    bigserial PRIMARY KEY,
  customer_id           bigint NOT NULL REFERENCES core.customer (id) ON DELETE CASCADE,
  party_no              text NOT NULL,        -- the bank's party id (the same party may appear
                                              -- under several customers or roles)
  party_kind            char(1) NOT NULL,     -- P person, O organisation
  role                  text NOT NULL,
  role_note             text,                 -- free text: 'Founder', 'Chairman of the board'
  -- person
  first_name            text,
  last_name             text,
  birth_date            date,
  birth_country         char(2),
  citizenship           char(2),
  national_id           text,
  -- organisation
  legal_name            text,
  registration_no       text,
  registration_country  char(2),
  legal_form            text,                 -- the bank's legal-form code, as core.customer
  established_on        date,
  -- ownership, in percent with two decimals
  share_pct             numeric(5,2),
  vote_pct              numeric(5,2),
  pep_flag              boolean NOT NULL DEFAULT false,
  -- the party's address (home of a person, registered office of an organisation)
  addr_line             text,
  addr_city             text,
  addr_postcode         text,
  addr_country          char(2),
  -- the party's contact
  email                 text,
  mobile                text,
  -- the party's identity document (registration certificate of an organisation)
  doc_type              text,                 -- PASS, IDC, RESP, DRVL, REGC as identity_document
  doc_number            text,
  doc_issued_on         date,
  doc_expires_on        date,
  doc_issuing_country   char(2),
  doc_issuing_authority text,
  started_on            date,
  ended_on              date,
  updated_at            timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT related_party_kind_chk CHECK (party_kind IN ('P', 'O')),
  CONSTRAINT related_party_role_chk CHECK (role IN ('UBO', 'SHR', 'DIR', 'SIG', 'REP', 'GRD')),
  CONSTRAINT related_party_legal_form_chk CHECK (legal_form IN (
    'UAB', 'AB', 'LTD', 'PLC', 'COOP', 'SOLE', 'SIA', 'AS', 'OU', 'SPZOO', 'SA', 'GMBH', 'AG',
    'OY', 'OYJ')),
  CONSTRAINT related_party_countries_chk CHECK (
    birth_country ~ '^[A-Z]{2}$' AND citizenship ~ '^[A-Z]{2}$'
    AND registration_country ~ '^[A-Z]{2}$' AND addr_country ~ '^[A-Z]{2}$'
    AND doc_issuing_country ~ '^[A-Z]{2}$'),
  CONSTRAINT related_party_pct_chk CHECK (share_pct BETWEEN 0 AND 100 AND vote_pct BETWEEN 0 AND 100),
  CONSTRAINT related_party_doc_type_chk CHECK (doc_type IN ('PASS', 'IDC', 'RESP', 'DRVL', 'REGC')),
  CONSTRAINT related_party_doc_dates_chk CHECK (doc_expires_on IS NULL OR doc_issued_on IS NULL
                                                OR doc_expires_on > doc_issued_on),
  CONSTRAINT related_party_dates_chk CHECK (ended_on IS NULL OR started_on IS NULL
                                            OR ended_on >= started_on),
  CONSTRAINT related_party_kind_columns_chk CHECK (
    CASE party_kind
      WHEN 'P' THEN legal_name IS NULL AND registration_no IS NULL
                AND registration_country IS NULL AND legal_form IS NULL AND established_on IS NULL
      ELSE first_name IS NULL AND last_name IS NULL AND birth_date IS NULL
                AND birth_country IS NULL AND citizenship IS NULL AND national_id IS NULL
    END)
);
CREATE INDEX related_party_customer_idx ON core.related_party (customer_id);

-- ---------------------------------------------------------------------------------------------
-- KYC questionnaire
-- ---------------------------------------------------------------------------------------------
-- Occupation of a person: EMP employed, SELF self-employed, UNEMP unemployed, PENS pensioner,
-- STUD student, OTHER (occupation_note says what).
CREATE TABLE core.kyc_profile (
  id                   bigserial PRIMARY KEY,
  customer_id          bigint NOT NULL UNIQUE REFERENCES core.customer (id) ON DELETE CASCADE,
  filled_on            date NOT NULL,       -- when the customer last answered the questionnaire
  -- person
  occupation           text,
  employer_name        text,
  job_title            text,
  pension_country      char(2),
  school_name          text,
  school_country       char(2),
  occupation_note      text,
  -- organisation
  employees            integer,
  is_listed            boolean,             -- shares traded on a stock exchange
  lei                  text,                -- ISO 17442 Legal Entity Identifier
  business_description text,
  -- both
  cash_intensive       boolean,             -- "Will cash dominate your turnover?"
  updated_at           timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT kyc_profile_occupation_chk CHECK (occupation IN ('EMP', 'SELF', 'UNEMP', 'PENS',
                                                              'STUD', 'OTHER')),
  CONSTRAINT kyc_profile_countries_chk CHECK (pension_country ~ '^[A-Z]{2}$'
                                              AND school_country ~ '^[A-Z]{2}$'),
  CONSTRAINT kyc_profile_employees_chk CHECK (employees >= 0),
  CONSTRAINT kyc_profile_lei_chk CHECK (lei ~ '^[0-9A-Z]{18}[0-9]{2}$')
);

-- Declared turnover, in EUR. kind: ACC turnover on the accounts, CASH cash turnover, INC planned
-- income. period: D day, M month, Y year, S single (one-off).
CREATE TABLE core.kyc_turnover (
  id            bigserial PRIMARY KEY,
  customer_id   bigint NOT NULL REFERENCES core.customer (id) ON DELETE CASCADE,
  turnover_kind text NOT NULL,
  period        char(1) NOT NULL,
  amount_from   numeric(16,2),          -- NULL: no lower bound declared
  amount_to     numeric(16,2),          -- NULL: no upper bound ("more than amount_from")
  updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT kyc_turnover_kind_chk CHECK (turnover_kind IN ('ACC', 'CASH', 'INC')),
  CONSTRAINT kyc_turnover_period_chk CHECK (period IN ('D', 'M', 'Y', 'S')),
  CONSTRAINT kyc_turnover_range_chk CHECK (amount_to IS NULL OR amount_from IS NULL
                                           OR amount_to >= amount_from)
);
CREATE INDEX kyc_turnover_customer_idx ON core.kyc_turnover (customer_id);

-- Sources of income: SAL salary, BUS business income, PEN pension, INV investments, RNT rent,
-- BEN social benefits, FAM family support, OTH other.
CREATE TABLE core.kyc_income_source (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES core.customer (id) ON DELETE CASCADE,
  source_code text NOT NULL,
  share_pct   numeric(5,2),             -- share of the customer's income
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT kyc_income_source_code_chk CHECK (source_code IN ('SAL', 'BUS', 'PEN', 'INV', 'RNT',
                                                               'BEN', 'FAM', 'OTH')),
  CONSTRAINT kyc_income_source_pct_chk CHECK (share_pct BETWEEN 0 AND 100),
  CONSTRAINT kyc_income_source_uniq UNIQUE (customer_id, source_code)
);

-- Sources of wealth, amount in EUR: SAV savings, INH inheritance, PROP sale of property,
-- BUS business profits, INV investments, GIFT gift; organisations: CAP share capital,
-- PROF retained earnings, LOAN shareholder loan.
CREATE TABLE core.kyc_wealth_source (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES core.customer (id) ON DELETE CASCADE,
  source_code text NOT NULL,
  amount      numeric(16,2),
  note        text,
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT kyc_wealth_source_code_chk CHECK (source_code IN ('SAV', 'INH', 'PROP', 'BUS', 'INV',
                                                               'GIFT', 'CAP', 'PROF', 'LOAN')),
  CONSTRAINT kyc_wealth_source_amount_chk CHECK (amount >= 0)
);
CREATE INDEX kyc_wealth_source_customer_idx ON core.kyc_wealth_source (customer_id);

-- Purposes of payments; direction I incoming, O outgoing. SAL salary, PEN pension, UTIL rent and
-- utilities, CARD everyday card spending, LOAN loan repayments or disbursements, SAV savings and
-- investments, FAM family support; organisations: CUST payments from customers, SUPP payments to
-- suppliers, PAYR payroll, TAX taxes, DIV dividends, RENT rent of premises.
CREATE TABLE core.kyc_payment_purpose (
  id           bigserial PRIMARY KEY,
  customer_id  bigint NOT NULL REFERENCES core.customer (id) ON DELETE CASCADE,
  purpose_code text NOT NULL,
  direction    char(1) NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT kyc_payment_purpose_code_chk CHECK (purpose_code IN (
    'SAL', 'PEN', 'UTIL', 'CARD', 'LOAN', 'SAV', 'FAM', 'CUST', 'SUPP', 'PAYR', 'TAX', 'DIV',
    'RENT')),
  CONSTRAINT kyc_payment_purpose_direction_chk CHECK (direction IN ('I', 'O')),
  CONSTRAINT kyc_payment_purpose_uniq UNIQUE (customer_id, purpose_code, direction)
);

-- Countries the questionnaire asks about. usage: ACT the organisation does business there,
-- RCV payments are received from there, SND payments are sent there.
CREATE TABLE core.kyc_country (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES core.customer (id) ON DELETE CASCADE,
  usage       text NOT NULL,
  country     char(2) NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT kyc_country_usage_chk CHECK (usage IN ('ACT', 'RCV', 'SND')),
  CONSTRAINT kyc_country_country_chk CHECK (country ~ '^[A-Z]{2}$'),
  CONSTRAINT kyc_country_uniq UNIQUE (customer_id, usage, country)
);

CREATE TABLE core.tax_residence (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES core.customer (id) ON DELETE CASCADE,
  country     char(2) NOT NULL,
  tin         text,                     -- taxpayer identification number there, if known
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT tax_residence_country_chk CHECK (country ~ '^[A-Z]{2}$'),
  CONSTRAINT tax_residence_uniq UNIQUE (customer_id, country)
);

-- Products: ACC current account and payments, CRD card, DEP term deposit, LNS loan, LEAS
-- leasing, INV securities account, FX currency exchange, TRADE trade finance. One row per
-- contract, so a customer may have two cards; closed_on set when the contract ended.
CREATE TABLE core.customer_service (
  id           bigserial PRIMARY KEY,
  customer_id  bigint NOT NULL REFERENCES core.customer (id) ON DELETE CASCADE,
  service_code text NOT NULL,
  opened_on    date NOT NULL,
  closed_on    date,
  updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT customer_service_code_chk CHECK (service_code IN ('ACC', 'CRD', 'DEP', 'LNS', 'LEAS',
                                                               'INV', 'FX', 'TRADE')),
  CONSTRAINT customer_service_dates_chk CHECK (closed_on IS NULL OR closed_on >= opened_on)
);
CREATE INDEX customer_service_customer_idx ON core.customer_service (customer_id);

-- Client-specific attributes. datatype: B boolean, S string, D date, I integer, N decimal; the
-- value sits in the matching value_* column.
CREATE TABLE core.attribute_def (
  code       text PRIMARY KEY,
  datatype   char(1) NOT NULL,
  label      text NOT NULL,

  CONSTRAINT attribute_def_datatype_chk CHECK (datatype IN ('B', 'S', 'D', 'I', 'N'))
);

INSERT INTO core.attribute_def (code, datatype, label) VALUES
  ('related_to_usa', 'B', 'Related to the USA (FATCA indicia)'),
  ('fatca_status', 'S', 'FATCA status'),
  ('kyc_next_review', 'D', 'Next periodic KYC review'),
  ('open_accounts', 'I', 'Number of open accounts'),
  ('cash_share_pct', 'N', 'Expected share of cash in turnover, %');

CREATE TABLE core.customer_attribute (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES core.customer (id) ON DELETE CASCADE,
  attr_code   text NOT NULL REFERENCES core.attribute_def (code),
  value_text  text,
  value_bool  boolean,
  value_int   bigint,
  value_num   numeric,
  value_date  date,
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),

  CONSTRAINT customer_attribute_one_value_chk CHECK (
    num_nonnulls(value_text, value_bool, value_int, value_num, value_date) <= 1),
  CONSTRAINT customer_attribute_uniq UNIQUE (customer_id, attr_code)
);

-- ---------------------------------------------------------------------------------------------
-- updated_at, and a change of any of these rows is a change of its customer (as in 0001)
-- ---------------------------------------------------------------------------------------------
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['related_party', 'kyc_profile', 'kyc_turnover', 'kyc_income_source',
                           'kyc_wealth_source', 'kyc_payment_purpose', 'kyc_country',
                           'tax_residence', 'customer_service', 'customer_attribute'] LOOP
    EXECUTE format('CREATE TRIGGER %1$s_set_updated_at BEFORE UPDATE ON core.%1$I
                      FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
                      EXECUTE FUNCTION core.set_updated_at()', t);
    EXECUTE format('CREATE TRIGGER %1$s_touch_customer_ins AFTER INSERT ON core.%1$I
                      REFERENCING NEW TABLE AS new_rows
                      FOR EACH STATEMENT EXECUTE FUNCTION core.touch_customer()', t);
    EXECUTE format('CREATE TRIGGER %1$s_touch_customer_upd AFTER UPDATE ON core.%1$I
                      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                      FOR EACH STATEMENT EXECUTE FUNCTION core.touch_customer()', t);
    EXECUTE format('CREATE TRIGGER %1$s_touch_customer_del AFTER DELETE ON core.%1$I
                      REFERENCING OLD TABLE AS old_rows
                      FOR EACH STATEMENT EXECUTE FUNCTION core.touch_customer()', t);
  END LOOP;
END
$$;

COMMENT ON TABLE core.customer IS
  'Customers of the bank. updated_at is also bumped by changes to address, contact, '
  'identity_document, related_party, the kyc_* tables, tax_residence, customer_service and '
  'customer_attribute (see core.touch_customer).';

-- ---------------------------------------------------------------------------------------------
-- The generator's part for these tables
-- ---------------------------------------------------------------------------------------------
-- Deterministic like 0002: every value is core.gen_pick of the customer number n (or of a slot
-- number m derived from it) and a salt. Salts used here (0002 uses 1-33):
--   34 organisation has parties, 35 number of parties, 36 signatory, 37 former director,
--   38 person's representative/guardian, 39 party country, 40 party sex, 41 party first name,
--   42 party last name, 43 party birth date, 44 party id number, 45 party birth country,
--   46 party PEP, 47 party registration no, 48 party establishment, 49-50 UBO share,
--   51 vote, 52 party dates, 81 party document, 82 party note, 83 party mobile;
--   53 occupation, 54 has KYC profile, 55 employer, 56 job title, school, note, 57 LEI,
--   58 cash, 84 listed, 85 employees; 59 turnover band, 60 extra turnover, 61 cash band;
--   63, 64, 88 second income source; 65-68, 89 wealth; 69, 70, 90 payment
--   purposes; 71, 91 countries of activity; 86, 87, 92 payment countries; 72, 73, 93, 94 tax
--   residence; 74-76 products; 77-80, 95, 96 attributes. Per party or product the number is
--   m = n * 8 + k, and 0002's salts are reused for the same kind of value (17 legal form,
--   22-25 address, 27 mobile, 30-32 document).
--
-- What comes out (shares of customers, roughly):
--   organisations: 90% have 1-3 current related parties: a UBO person (k = 1, 100% share, or
--     51-90.99% when there are three), a director (k = 2), a company shareholder with the rest of
--     the shares (k = 3); of those with two, 30% also an authorised signatory; 10% of those with
--     two or more also a former director (ended_on set, not sent).
--   persons: 4% a representative (power of attorney), 0.5% a guardian.
--   UBOs, representatives, guardians and company shareholders have an address and an identity
--   document (registration certificate); half the directors an identity document; directors and
--   signatories an e-mail and a mobile; about half the UBOs a mobile. 3% of parties are PEPs.
--   85% of customers have a KYC profile, and only they have turnover (all; persons 20% also cash,
--   organisations 50% also planned annual income), income sources (all), wealth sources
--   (persons 40%, organisations 50%), payment purposes (90%, 1-3), payment countries (50%,
--   1-3), countries of activity (organisations, 1-3) and tax residences (80%, 4% of them two).
--   Persons with a profile have an occupation (fieldOfActivity); organisations employees,
--   listing, an LEI (CORP 80%, SME 10%) and a business description.
--   95% of customers have 1-4 products (8% of the later ones closed; all closed when the
--   customer is closed); attributes: related_to_usa 70%, fatca_status (organisations 60% and
--   US-related persons), kyc_next_review 30%, open_accounts 40%, cash_share_pct 10%.
-- Every value is valid for AMLYZE, also for the customers 0002 gives a defect: countries come
-- from the generator's country profile, never from the customer's (possibly defective) columns.

-- A company's legal name from its legal form and base name, as 0002 builds core.customer's.
CREATE FUNCTION core.gen_legal_name(p_form text, p_base text, p_country text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE p_form
         WHEN 'UAB' THEN 'UAB „' || p_base || '“'
         WHEN 'AB' THEN 'AB „' || p_base || '“'
         WHEN 'COOP' THEN 'Kooperatinė bendrovė „' || p_base || '“'
         WHEN 'SOLE' THEN 'IĮ „' || p_base || '“'
         WHEN 'SIA' THEN 'SIA "' || p_base || '"'
         WHEN 'AS' THEN CASE WHEN p_country = 'LV' THEN 'AS "' || p_base || '"'
                             ELSE p_base || ' AS' END
         WHEN 'OU' THEN p_base || ' OÜ'
         WHEN 'SPZOO' THEN p_base || ' Sp. z o.o.'
         WHEN 'SA' THEN p_base || ' S.A.'
         WHEN 'GMBH' THEN p_base || ' GmbH'
         WHEN 'AG' THEN p_base || ' AG'
         WHEN 'OY' THEN p_base || ' Oy'
         WHEN 'OYJ' THEN p_base || ' Oyj'
         WHEN 'PLC' THEN p_base || ' plc'
         ELSE p_base || ' Ltd'
       END;

CREATE FUNCTION core.generate_kyc_lists(p_first_no text, p_last_no text)
RETURNS void
LANGUAGE plpgsql
SET core.suppress_customer_touch = 'on'
AS $$
BEGIN
  -- Related parties --------------------------------------------------------------------------
  -- Slots k: 1 UBO, 2 director, 3 company shareholder, 4 signatory, 5 former director (orgs);
  -- 6 representative, 7 guardian (persons). m = n * 8 + k numbers the party.
  INSERT INTO core.related_party (
    customer_id, party_no, party_kind, role, role_note,
    first_name, last_name, birth_date, birth_country, citizenship, national_id,
    legal_name, registration_no, registration_country, legal_form, established_on,
    share_pct, vote_pct, pep_flag, addr_line, addr_city, addr_postcode, addr_country,
    email, mobile, doc_type, doc_number, doc_issued_on, doc_expires_on, doc_issuing_country,
    doc_issuing_authority, started_on, ended_on)
  SELECT c.id,
         'RP' || lpad(p.m::text, 10, '0'),
         slot.kind, slot.role,
         CASE slot.k
           WHEN 1 THEN CASE WHEN core.gen_pick(p.m, 82, 100) < 40 THEN 'Founder'
                            WHEN core.gen_pick(p.m, 82, 100) < 70 THEN 'Ultimate beneficial owner'
                       END
           WHEN 2 THEN core.gen_choose('{"Chief executive officer","Managing director",'
                                       '"Chairman of the board","Board member"}', p.m, 82)
           WHEN 3 THEN 'Corporate shareholder'
           WHEN 4 THEN 'Authorised signatory (payments)'
           WHEN 5 THEN 'Former managing director'
           WHEN 6 THEN 'Power of attorney'
           WHEN 7 THEN 'Court-appointed guardian'
         END,
         -- person
         CASE WHEN slot.kind = 'P' THEN
           core.gen_choose(CASE WHEN p.female THEN pc.first_f ELSE pc.first_m END, p.m, 41) END,
         CASE WHEN slot.kind = 'P' THEN
           core.gen_choose(CASE WHEN p.female THEN pc.last_f ELSE pc.last_m END, p.m, 42) END,
         CASE WHEN slot.kind = 'P' THEN p.birth_date END,
         CASE WHEN slot.kind = 'P' THEN
           CASE WHEN core.gen_pick(p.m, 45, 100) < 95 THEN pc.country
                ELSE core.gen_choose('{LT,LV,EE,PL,DE,UA,BY,RU,KZ}', p.m, 45) END END,
         CASE WHEN slot.kind = 'P' THEN pc.country END,
         CASE WHEN slot.kind = 'P' THEN
           CASE pc.country
             WHEN 'LT' THEN (CASE WHEN p.birth_date >= date '2000-01-01' THEN 5 ELSE 3 END
                             + p.female::int)::text
                            || to_char(p.birth_date, 'YYMMDD') || core.gen_digits(p.m, 44, 4)
             WHEN 'EE' THEN (CASE WHEN p.birth_date >= date '2000-01-01' THEN 5 ELSE 3 END
                             + p.female::int)::text
                            || to_char(p.birth_date, 'YYMMDD') || core.gen_digits(p.m, 44, 4)
             WHEN 'LV' THEN to_char(p.birth_date, 'DDMMYY') || '-' || core.gen_digits(p.m, 44, 5)
           END END,
         -- organisation
         CASE WHEN slot.kind = 'O' THEN
           core.gen_legal_name(p.legal_form, core.gen_company_base(p.m), pc.country) END,
         p.registration_no,
         CASE WHEN slot.kind = 'O' THEN pc.country END,
         p.legal_form,
         p.established_on,
         -- ownership
         CASE slot.k WHEN 1 THEN o.ubo_share WHEN 3 THEN 100 - o.ubo_share END,
         CASE WHEN slot.k IN (1, 3) AND core.gen_pick(s.n, 51, 100) >= 20 THEN
           CASE slot.k WHEN 1 THEN o.ubo_share ELSE 100 - o.ubo_share END END,
         core.gen_pick(p.m, 46, 1000) < 30,
         -- address: UBOs, company shareholders, representatives, guardians
         CASE WHEN slot.k IN (1, 3, 6, 7) THEN
           core.gen_choose(pc.streets, p.m, 23) || ' ' || (1 + core.gen_pick(p.m, 24, 120))
           || CASE WHEN slot.kind = 'P' THEN '-' || (1 + core.gen_pick(p.m, 25, 90)) ELSE '' END
         END,
         CASE WHEN slot.k IN (1, 3, 6, 7) THEN core.gen_choose(pc.cities, p.m, 22) END,
         CASE WHEN slot.k IN (1, 3, 6, 7) THEN
           CASE pc.country
             WHEN 'LT' THEN 'LT-' || core.gen_digits(p.m, 25, 5)
             WHEN 'LV' THEN 'LV-' || (1001 + core.gen_pick(p.m, 25, 4800))
             WHEN 'NO' THEN core.gen_digits(p.m, 25, 4)
             ELSE core.gen_digits(p.m, 25, 5)
           END END,
         CASE WHEN slot.k IN (1, 3, 6, 7) THEN pc.country END,
         -- contact: directors and signatories at the company's domain, some UBOs a mobile
         CASE WHEN slot.k IN (2, 4, 5) THEN
           core.gen_ascii(core.gen_choose(CASE WHEN p.female THEN pc.first_f ELSE pc.first_m END,
                                          p.m, 41))
           || '.' || core.gen_ascii(core.gen_choose(CASE WHEN p.female THEN pc.last_f
                                                         ELSE pc.last_m END, p.m, 42))
           || '@' || core.gen_ascii(core.gen_company_base(s.n)) || '.' || g.web_tld END,
         CASE WHEN slot.k IN (2, 4, 5) OR (slot.k IN (1, 6, 7) AND core.gen_pick(p.m, 83, 2) = 0)
           THEN pc.mobile_prefix || core.gen_digits(p.m, 27, pc.mobile_digits) END,
         -- identity document
         d.doc_type,
         CASE d.doc_type
           WHEN 'REGC' THEN p.registration_no
           WHEN 'IDC' THEN CASE WHEN pc.country IN ('LT', 'EE') THEN core.gen_digits(p.m, 31, 8)
                                ELSE chr(65 + core.gen_pick(p.m, 31, 26))
                                     || chr(65 + core.gen_pick(p.m, 30, 26))
                                     || core.gen_digits(p.m, 31, 6) END
           WHEN 'PASS' THEN chr(65 + core.gen_pick(p.m, 31, 26))
                            || chr(65 + core.gen_pick(p.m, 30, 26)) || core.gen_digits(p.m, 31, 7)
         END,
         CASE d.doc_type WHEN 'REGC' THEN p.established_on
                         WHEN 'IDC' THEN d.issued_on WHEN 'PASS' THEN d.issued_on END,
         CASE WHEN d.doc_type IN ('IDC', 'PASS') THEN (d.issued_on + interval '10 years')::date END,
         CASE WHEN d.doc_type IS NOT NULL THEN pc.country END,
         CASE d.doc_type WHEN 'REGC' THEN pc.registry
                         WHEN 'IDC' THEN pc.id_authority WHEN 'PASS' THEN pc.id_authority END,
         -- the relation: since the customer applied (or before); the former director left
         c.application_date - core.gen_pick(p.m, 52, 1500),
         CASE WHEN slot.k = 5 THEN
           least(c.application_date + 30 + core.gen_pick(p.m, 52, 2000), date '2025-06-30') END
    FROM core.customer c
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    JOIN core.gen_country_slot() g ON g.kind = c.kind AND g.slot = core.gen_pick(s.n, 1, 100)
    CROSS JOIN LATERAL (
      SELECT CASE WHEN c.kind = 'O' AND core.gen_pick(s.n, 34, 100) < 90
                  THEN 1 + core.gen_pick(s.n, 35, 3) ELSE 0 END AS cnt) oc
    CROSS JOIN LATERAL (
      SELECT oc.cnt,
             CASE WHEN oc.cnt = 3 THEN (51 + core.gen_pick(s.n, 49, 40))::numeric
                                       + core.gen_pick(s.n, 50, 100) / 100.0
                  ELSE 100 END AS ubo_share) o
    JOIN (VALUES (1, 'UBO', 'P'), (2, 'DIR', 'P'), (3, 'SHR', 'O'), (4, 'SIG', 'P'),
                 (5, 'DIR', 'P'), (6, 'REP', 'P'), (7, 'GRD', 'P'))
         AS slot(k, role, kind)
      ON CASE slot.k
           WHEN 1 THEN o.cnt >= 1
           WHEN 2 THEN o.cnt >= 2
           WHEN 3 THEN o.cnt = 3
           WHEN 4 THEN o.cnt = 2 AND core.gen_pick(s.n, 36, 100) < 30
           WHEN 5 THEN o.cnt >= 2 AND core.gen_pick(s.n, 37, 100) < 10
           WHEN 6 THEN c.kind = 'P' AND core.gen_pick(s.n, 38, 1000) < 40
           WHEN 7 THEN c.kind = 'P' AND core.gen_pick(s.n, 38, 1000) BETWEEN 40 AND 44
         END
    CROSS JOIN LATERAL (
      SELECT s.n * 8 + slot.k AS m,
             -- 85% of persons from the customer's country, the others from anywhere the
             -- generator knows; companies 70%
             CASE WHEN core.gen_pick(s.n * 8 + slot.k, 39, 100)
                       < CASE WHEN slot.kind = 'P' THEN 85 ELSE 70 END THEN g.country
                  ELSE core.gen_choose('{LT,LV,EE,PL,DE,FI,SE,GB,US,NO}', s.n * 8 + slot.k, 39)
             END AS country) pm
    JOIN core.gen_country_profile() pc ON pc.country = pm.country
    CROSS JOIN LATERAL (
      SELECT pm.m AS m,
             core.gen_pick(pm.m, 40, 2) = 1 AS female,
             date '1945-01-01' + core.gen_pick(pm.m, 43, 55 * 365) AS birth_date,
             CASE WHEN slot.kind = 'O' THEN core.gen_choose(pc.legal_forms, pm.m, 17) END
               AS legal_form,
             CASE WHEN slot.kind = 'O' THEN core.gen_digits(pm.m, 47, 9) END AS registration_no,
             CASE WHEN slot.kind = 'O' THEN date '1991-01-01' + core.gen_pick(pm.m, 48, 10000) END
               AS established_on) p
    CROSS JOIN LATERAL (
      SELECT CASE WHEN slot.kind = 'O' THEN 'REGC'
                  WHEN slot.k IN (1, 6, 7) OR (slot.k = 2 AND core.gen_pick(p.m, 81, 2) = 0)
                  THEN CASE WHEN pc.eu AND core.gen_pick(p.m, 81, 100) < 60 THEN 'IDC'
                            ELSE 'PASS' END
             END AS doc_type,
             date '2016-01-01' + core.gen_pick(p.m, 32, 3000) AS issued_on) d
   WHERE c.customer_no BETWEEN p_first_no AND p_last_no
   ORDER BY c.id, slot.k;

  -- KYC profiles: 85% of customers --------------------------------------------------------------
  INSERT INTO core.kyc_profile (customer_id, filled_on, occupation, employer_name, job_title,
                                pension_country, school_name, school_country, occupation_note,
                                employees, is_listed, lei, business_description, cash_intensive)
  SELECT c.id,
         coalesce(c.approved_on, c.application_date),
         o.occupation,
         CASE WHEN o.occupation = 'EMP' THEN
           core.gen_legal_name(core.gen_choose(g.legal_forms, s.n, 55),
                               core.gen_company_base(s.n * 8 + 7), g.country) END,
         CASE o.occupation
           WHEN 'EMP' THEN core.gen_choose('{Accountant,Engineer,Teacher,"Sales manager",Driver,'
                                           'Nurse,"Software developer","Project manager",'
                                           '"Shop assistant",Physician,Electrician,'
                                           '"Civil servant"}', s.n, 56)
           WHEN 'SELF' THEN core.gen_choose('{"IT consultant","Sole trader",Farmer,Lawyer,'
                                            'Photographer,Architect}', s.n, 56)
         END,
         CASE WHEN o.occupation = 'PENS' THEN g.country END,
         CASE WHEN o.occupation = 'STUD' THEN
           CASE g.country
             WHEN 'LV' THEN 'Latvijas Universitāte'
             WHEN 'EE' THEN 'Tartu Ülikool'
             WHEN 'PL' THEN 'Uniwersytet Warszawski'
             WHEN 'DE' THEN 'Humboldt-Universität zu Berlin'
             WHEN 'FI' THEN 'Helsingin yliopisto'
             ELSE core.gen_choose('{"Vilniaus universitetas","Kauno technologijos universitetas",'
                                  '"Vilniaus Gedimino technikos universitetas"}', s.n, 56)
           END END,
         CASE WHEN o.occupation = 'STUD' THEN
           CASE WHEN g.country IN ('LV', 'EE', 'PL', 'DE', 'FI') THEN g.country ELSE 'LT' END END,
         CASE WHEN o.occupation = 'OTHER' THEN
           core.gen_choose('{"Parental leave",Homemaker,"Military service",'
                           '"Long-term sick leave"}', s.n, 56) END,
         -- organisation
         CASE WHEN c.kind = 'O' THEN
           CASE WHEN c.segment = 'CORP' THEN 250 + core.gen_pick(s.n, 85, 5000)
                ELSE 1 + core.gen_pick(s.n, 85, 249) END END,
         CASE WHEN c.kind = 'O' THEN
           c.legal_form IN ('AB', 'AS', 'SA', 'AG', 'OYJ', 'PLC')
           AND core.gen_pick(s.n, 84, 100) < 25 END,
         CASE WHEN c.kind = 'O'
                   AND core.gen_pick(s.n, 57, 100) < CASE WHEN c.segment = 'CORP' THEN 80 ELSE 10 END
           THEN l.base || lpad((98 - (l.base || '00')::numeric % 97)::text, 2, '0') END,
         CASE WHEN c.kind = 'O' THEN
           -- the activity that matches the second word of the company's name (0002)
           (ARRAY['Wood processing and timber trade', 'Freight transport and logistics',
                  'Food production', 'IT systems integration', 'Wholesale trade',
                  'Investment management', 'Electricity and heat supply',
                  'Manufacture of textiles', 'Sale and repair of motor vehicles',
                  'Management consulting', 'Pharmaceutical distribution', 'Dairy products',
                  'Construction of buildings', 'Publishing and advertising', 'IT services',
                  'Crop and animal production', 'Metal working', 'Software development',
                  'Sea freight shipping', 'Retail trade'])[1 + core.gen_pick(s.n * 7 + 1, 16, 20)]
         END,
         core.gen_pick(s.n, 58, 100) < CASE WHEN c.kind = 'P' THEN 3 ELSE 8 END
    FROM core.customer c
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    JOIN core.gen_country_slot() g ON g.kind = c.kind AND g.slot = core.gen_pick(s.n, 1, 100)
    CROSS JOIN LATERAL (
      SELECT 2025 - extract(year FROM c.birth_date)::int AS age,
             core.gen_pick(s.n, 53, 100) AS pick,
             '549300' || core.gen_digits(s.n, 57, 12) AS base) l
    CROSS JOIN LATERAL (
      SELECT CASE WHEN c.kind = 'O' THEN NULL
                  WHEN l.age >= 65 AND l.pick < 80 THEN 'PENS'
                  WHEN l.age < 26 AND l.pick < 50 THEN 'STUD'
                  WHEN l.pick < 75 THEN 'EMP'
                  WHEN l.pick < 87 THEN 'SELF'
                  WHEN l.pick < 93 THEN 'UNEMP'
                  ELSE 'OTHER' END AS occupation) o
   WHERE c.customer_no BETWEEN p_first_no AND p_last_no
     AND core.gen_pick(s.n, 54, 100) < 85
   ORDER BY c.id;

  -- Declared turnover: every profile a monthly account turnover band; 20% of persons also a cash
  -- band, 50% of organisations also their planned annual income (twelve times their band). -----
  -- (A constant VALUES list with CASE t.k in the select list, not a VALUES of expressions in a
  -- LATERAL: PostgreSQL re-initialises a lateral VALUES' expressions for every outer row.)
  INSERT INTO core.kyc_turnover (customer_id, turnover_kind, period, amount_from, amount_to)
  SELECT c.id,
         (ARRAY['ACC', 'CASH', 'INC'])[t.k],
         (ARRAY['M', 'M', 'Y'])[t.k],
         CASE t.k
           WHEN 1 THEN CASE WHEN c.kind = 'P' THEN (ARRAY[0, 1000, 3000, 10000])[b.band]
                            ELSE (ARRAY[0, 10000, 50000, 250000, 1000000])[b.band] END
           WHEN 2 THEN (ARRAY[0, 500])[b.cash_band]
           ELSE 12 * (ARRAY[0, 10000, 50000, 250000, 1000000])[b.band] END,
         CASE t.k
           WHEN 1 THEN CASE WHEN c.kind = 'P' THEN (ARRAY[1000, 3000, 10000, NULL])[b.band]
                            ELSE (ARRAY[10000, 50000, 250000, 1000000, NULL])[b.band] END
           WHEN 2 THEN (ARRAY[500, 2000])[b.cash_band]
           ELSE 12 * (ARRAY[10000, 50000, 250000, 1000000, 2000000])[b.band] END
    FROM core.kyc_profile kp
    JOIN core.customer c ON c.id = kp.customer_id
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    CROSS JOIN LATERAL (
      SELECT CASE WHEN c.kind = 'P' THEN
               CASE WHEN core.gen_pick(s.n, 59, 100) < 35 THEN 1
                    WHEN core.gen_pick(s.n, 59, 100) < 70 THEN 2
                    WHEN core.gen_pick(s.n, 59, 100) < 90 THEN 3 ELSE 4 END
             ELSE
               CASE WHEN core.gen_pick(s.n, 59, 100) < 20 THEN 1
                    WHEN core.gen_pick(s.n, 59, 100) < 50 THEN 2
                    WHEN core.gen_pick(s.n, 59, 100) < 75 THEN 3
                    WHEN core.gen_pick(s.n, 59, 100) < 93 THEN 4 ELSE 5 END
             END AS band,
             1 + core.gen_pick(s.n, 61, 2) AS cash_band,
             core.gen_pick(s.n, 60, 100) AS extra) b
    CROSS JOIN (VALUES (1), (2), (3)) AS t(k)
   WHERE c.customer_no BETWEEN p_first_no AND p_last_no
     AND (t.k = 1 OR (t.k = 2 AND c.kind = 'P' AND b.extra < 20)
          OR (t.k = 3 AND c.kind = 'O' AND b.extra < 50))
   ORDER BY c.id, t.k;

  -- Income sources: the main one follows the occupation; 25% of persons and 20% of organisations
  -- a second one (investments or rent) with 10-30%. ---------------------------------------------
  INSERT INTO core.kyc_income_source (customer_id, source_code, share_pct)
  SELECT c.id,
         CASE WHEN i.k = 2 THEN CASE WHEN c.kind = 'O' THEN 'INV'
                                     ELSE core.gen_choose('{INV,RNT}', s.n, 88) END
              WHEN kp.occupation = 'EMP' THEN 'SAL' WHEN kp.occupation = 'SELF' THEN 'BUS'
              WHEN kp.occupation = 'PENS' THEN 'PEN' WHEN kp.occupation = 'STUD' THEN 'FAM'
              WHEN kp.occupation = 'UNEMP' THEN 'BEN' WHEN kp.occupation = 'OTHER' THEN 'FAM'
              ELSE 'BUS' END,
         CASE WHEN i.k = 2 THEN x.second_pct
              WHEN x.second THEN 100 - x.second_pct ELSE 100 END
    FROM core.kyc_profile kp
    JOIN core.customer c ON c.id = kp.customer_id
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    CROSS JOIN LATERAL (
      SELECT core.gen_pick(s.n, 63, 100) < CASE WHEN c.kind = 'P' THEN 25 ELSE 20 END AS second,
             10 + 5 * core.gen_pick(s.n, 64, 5) AS second_pct) x
    CROSS JOIN (VALUES (1), (2)) AS i(k)
   WHERE c.customer_no BETWEEN p_first_no AND p_last_no
     AND (i.k = 1 OR x.second)
   ORDER BY c.id, i.k;

  -- Sources of wealth: 40% of persons, 50% of organisations with a profile. ------------------------
  INSERT INTO core.kyc_wealth_source (customer_id, source_code, amount, note)
  SELECT c.id, w.code,
         CASE WHEN c.kind = 'P' THEN 1000 + core.gen_pick(s.n, 66, 250000)
              ELSE 10000 + core.gen_pick(s.n, 66, 5000000) END
         + core.gen_pick(s.n, 67, 100) / 100.0,
         CASE WHEN core.gen_pick(s.n, 68, 2) = 0 THEN
           CASE w.code
             WHEN 'SAV' THEN 'Savings from salary over the last years'
             WHEN 'INH' THEN 'Notarised inheritance certificate provided'
             WHEN 'PROP' THEN 'Sale of an apartment, contract provided'
             WHEN 'BUS' THEN 'Dividends from own company'
             WHEN 'INV' THEN 'Brokerage account statements provided'
             WHEN 'GIFT' THEN 'Gift from parents, declaration provided'
             WHEN 'CAP' THEN 'Share capital paid in by the shareholders'
             WHEN 'PROF' THEN 'Retained earnings, audited annual report'
             WHEN 'LOAN' THEN 'Shareholder loan agreement provided'
           END END
    FROM core.kyc_profile kp
    JOIN core.customer c ON c.id = kp.customer_id
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    CROSS JOIN LATERAL (
      SELECT CASE WHEN c.kind = 'P'
                  THEN core.gen_choose('{SAV,SAV,SAV,INH,PROP,BUS,INV,GIFT}', s.n, 65)
                  ELSE core.gen_choose('{CAP,PROF,PROF,LOAN}', s.n, 65) END AS code) w
   WHERE c.customer_no BETWEEN p_first_no AND p_last_no
     AND core.gen_pick(s.n, 89, 100) < CASE WHEN c.kind = 'P' THEN 40 ELSE 50 END
   ORDER BY c.id;

  -- Payment purposes: 90% of profiles, 1-3 consecutive entries of the kind's list. ----------------
  INSERT INTO core.kyc_payment_purpose (customer_id, purpose_code, direction)
  SELECT c.id, split_part(e.entry, ':', 1), split_part(e.entry, ':', 2)
    FROM core.kyc_profile kp
    JOIN core.customer c ON c.id = kp.customer_id
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    CROSS JOIN LATERAL (
      SELECT CASE WHEN c.kind = 'P'
                  THEN '{SAL:I,UTIL:O,CARD:O,LOAN:O,SAV:O,FAM:I,FAM:O,PEN:I}'::text[]
                  ELSE '{CUST:I,SUPP:O,PAYR:O,TAX:O,LOAN:O,DIV:O,RENT:O,LOAN:I}'::text[] END
               AS list) l
    CROSS JOIN (VALUES (1), (2), (3)) AS slot(k)
    CROSS JOIN LATERAL (
      SELECT l.list[1 + (core.gen_pick(s.n, 70, 8) + k - 1) % 8] AS entry) e
   WHERE c.customer_no BETWEEN p_first_no AND p_last_no
     AND k <= 1 + core.gen_pick(s.n, 69, 3)
     AND core.gen_pick(s.n, 90, 100) < 90
   ORDER BY c.id, k;

  -- Countries: organisations' countries of activity (their own, then 0-2 more); payment countries
  -- for 50% of profiles (1-3 consecutive entries). ---------------------------------------------
  INSERT INTO core.kyc_country (customer_id, usage, country)
  SELECT c.id, 'ACT', x.country
    FROM core.kyc_profile kp
    JOIN core.customer c ON c.id = kp.customer_id
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    JOIN core.gen_country_slot() g ON g.kind = c.kind AND g.slot = core.gen_pick(s.n, 1, 100)
    CROSS JOIN (VALUES (1), (2), (3)) AS slot(k)
    CROSS JOIN LATERAL (
      SELECT CASE WHEN k = 1 THEN g.country
                  ELSE ('{LT,LV,EE,PL,DE,FI,SE,NO,DK,NL,GB,US,UA,CN,TR,FR}'::text[])
                         [1 + (core.gen_pick(s.n, 91, 16) + k) % 16] END AS country) x
   WHERE c.customer_no BETWEEN p_first_no AND p_last_no
     AND k <= 1 + core.gen_pick(s.n, 71, 3)
     AND c.kind = 'O'
     AND (k = 1 OR x.country <> g.country)
  UNION ALL
  SELECT c.id, split_part(e.entry, ':', 2), split_part(e.entry, ':', 1)
    FROM core.kyc_profile kp
    JOIN core.customer c ON c.id = kp.customer_id
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    CROSS JOIN (VALUES (1), (2), (3)) AS slot(k)
    CROSS JOIN LATERAL (
      SELECT ('{LT:RCV,LT:SND,LV:SND,DE:RCV,PL:SND,GB:RCV,US:SND,EE:RCV,FI:SND,UA:RCV,CN:SND,'
              'SE:RCV}'::text[])[1 + (core.gen_pick(s.n, 92, 12) + k) % 12] AS entry) e
   WHERE c.customer_no BETWEEN p_first_no AND p_last_no
     AND k <= 1 + core.gen_pick(s.n, 87, 3)
     AND core.gen_pick(s.n, 86, 100) < 50
   ORDER BY 1, 2, 3;

  -- Tax residence: 80% of profiles in their own country, 4% of those also in the US (or GB for
  -- US customers); 10% without a known taxpayer number. ------------------------------------------
  INSERT INTO core.tax_residence (customer_id, country, tin)
  SELECT c.id,
         CASE WHEN x.k = 1 THEN g.country WHEN g.country = 'US' THEN 'GB' ELSE 'US' END,
         CASE WHEN x.k = 1 THEN
                CASE WHEN core.gen_pick(s.n, 73, 100) < 10 THEN NULL
                     WHEN c.kind = 'O' THEN g.country || core.gen_digits(s.n, 73, 9)
                     ELSE coalesce(c.national_id, core.gen_digits(s.n, 73, 11)) END
              WHEN g.country = 'US' THEN core.gen_digits(s.n, 94, 10)    -- GB UTR
              WHEN c.kind = 'O'                                          -- US EIN
              THEN core.gen_digits(s.n, 94, 2) || '-' || core.gen_digits(s.n, 73, 7)
              ELSE core.gen_digits(s.n, 94, 3) || '-' || core.gen_digits(s.n, 73, 2) || '-'
                   || core.gen_digits(s.n, 72, 4) END                    -- US SSN
    FROM core.kyc_profile kp
    JOIN core.customer c ON c.id = kp.customer_id
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    JOIN core.gen_country_slot() g ON g.kind = c.kind AND g.slot = core.gen_pick(s.n, 1, 100)
    CROSS JOIN (VALUES (1), (2)) AS x(k)
   WHERE c.customer_no BETWEEN p_first_no AND p_last_no
     AND core.gen_pick(s.n, 72, 1000) < 800
     AND (x.k = 1 OR core.gen_pick(s.n, 93, 100) < 4)
   ORDER BY c.id, x.k;

  -- Products: 95% of customers, a current account and 0-3 more; 8% of the later ones closed,
  -- all closed with the customer. ---------------------------------------------------------------
  INSERT INTO core.customer_service (customer_id, service_code, opened_on, closed_on)
  SELECT c.id, x.code, x.opened_on,
         CASE WHEN c.status = 'C' THEN greatest(x.opened_on, c.closed_on)
              WHEN k > 1 AND core.gen_pick(s.n * 8 + k, 75, 100) < 8
              THEN x.opened_on + 30 + core.gen_pick(s.n * 8 + k, 76, 700) END
    FROM core.customer c
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    CROSS JOIN (VALUES (1), (2), (3), (4)) AS slot(k)
    CROSS JOIN LATERAL (
      SELECT CASE WHEN k = 1 THEN 'ACC'
                  WHEN c.kind = 'P'
                  THEN ('{CRD,DEP,LNS,INV,LEAS}'::text[])[1 + (core.gen_pick(s.n, 75, 5) + k) % 5]
                  ELSE ('{CRD,LNS,LEAS,DEP,FX,TRADE}'::text[])
                         [1 + (core.gen_pick(s.n, 75, 6) + k) % 6] END AS code,
             coalesce(c.approved_on, c.application_date)
               + (k - 1) * core.gen_pick(s.n * 8 + k, 74, 400) AS opened_on) x
   WHERE c.customer_no BETWEEN p_first_no AND p_last_no
     AND k <= 1 + core.gen_pick(s.n, 74, 4)
     AND core.gen_pick(s.n, 76, 100) < 95
   ORDER BY c.id, k;

  -- Attributes. -----------------------------------------------------------------------------------
  INSERT INTO core.customer_attribute (customer_id, attr_code, value_text, value_bool, value_int,
                                       value_num, value_date)
  SELECT c.id,
         (ARRAY['related_to_usa', 'fatca_status', 'kyc_next_review', 'open_accounts',
                'cash_share_pct'])[a.k],
         CASE WHEN a.k = 2 THEN
           CASE WHEN c.kind = 'O'
                THEN core.gen_choose('{ACTIVE_NFFE,ACTIVE_NFFE,ACTIVE_NFFE,PASSIVE_NFFE,'
                                     'PARTICIPATING_FFI}', s.n, 78)
                ELSE 'US_PERSON' END END,
         CASE WHEN a.k = 1 THEN u.usa END,
         CASE WHEN a.k = 4 THEN 1 + core.gen_pick(s.n, 80, 5) END,
         CASE WHEN a.k = 5 THEN (core.gen_pick(s.n, 95, 4000) / 100.0)::numeric(5,2) END,
         CASE WHEN a.k = 3 THEN date '2025-07-01' + core.gen_pick(s.n, 79, 1096) END
    FROM core.customer c
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    JOIN core.gen_country_slot() g ON g.kind = c.kind AND g.slot = core.gen_pick(s.n, 1, 100)
    LEFT JOIN core.tax_residence us ON us.customer_id = c.id AND us.country = 'US'
    CROSS JOIN LATERAL (SELECT g.country = 'US' OR us.id IS NOT NULL AS usa) u
    CROSS JOIN (VALUES (1), (2), (3), (4), (5)) AS a(k)
   WHERE c.customer_no BETWEEN p_first_no AND p_last_no
     AND CASE a.k
           WHEN 1 THEN core.gen_pick(s.n, 77, 100) < 70
           WHEN 2 THEN CASE WHEN c.kind = 'O' THEN core.gen_pick(s.n, 78, 100) < 60 ELSE u.usa END
           WHEN 3 THEN core.gen_pick(s.n, 79, 100) < 30
           WHEN 4 THEN core.gen_pick(s.n, 80, 100) < 40
           ELSE core.gen_pick(s.n, 96, 100) < 10
         END
   ORDER BY c.id, a.k;

  ANALYZE core.related_party;
  ANALYZE core.kyc_profile;
  ANALYZE core.kyc_turnover;
  ANALYZE core.kyc_income_source;
  ANALYZE core.kyc_wealth_source;
  ANALYZE core.kyc_payment_purpose;
  ANALYZE core.kyc_country;
  ANALYZE core.tax_residence;
  ANALYZE core.customer_service;
  ANALYZE core.customer_attribute;
END
$$;

COMMENT ON FUNCTION core.generate_kyc_lists(text, text) IS
  'Related parties, KYC questionnaire, tax residences, products and attributes of the customers '
  'p_first_no .. p_last_no (see 0003_kyc_lists.sql). Called by core.generate_customers.';

-- ---------------------------------------------------------------------------------------------
-- One generator: core.generate_customers = 0002's customers + this file's lists
-- ---------------------------------------------------------------------------------------------
ALTER FUNCTION core.generate_customers(integer, integer, integer)
  RENAME TO generate_base_customers;
COMMENT ON FUNCTION core.generate_base_customers(integer, integer, integer) IS
  'Customers with addresses, contacts and identity documents (0002_generator.sql); use '
  'core.generate_customers, which adds the related parties and KYC lists of 0003.';

CREATE FUNCTION core.generate_customers(p_count integer, p_first integer DEFAULT 1,
                                        p_invalid_every integer DEFAULT 0)
RETURNS integer
LANGUAGE plpgsql
SET core.suppress_customer_touch = 'on'
AS $$
DECLARE
  v_replication_role text := current_setting('session_replication_role');
  v_bulk boolean := false;
  v_inserted integer;
BEGIN
  -- A bulk load skips the per-row foreign-key checks where the caller may (a superuser, or a role
  -- granted SET on session_replication_role), as pg_restore --disable-triggers does: every
  -- customer_id the generator writes comes from core.customer in the same statement, so the
  -- checks cannot fail, and they are about a third of the time. Other callers get the checks.
  -- Replica mode also silences core.touch_customer, which suppress_customer_touch asks for anyway;
  -- constraints and unique indexes are checked as always. Restored below (and on error).
  BEGIN
    PERFORM set_config('session_replication_role', 'replica', true);
    v_bulk := true;
  EXCEPTION WHEN insufficient_privilege THEN
    NULL;
  END;
  v_inserted := core.generate_base_customers(p_count, p_first, p_invalid_every);
  IF v_inserted > 0 THEN
    PERFORM core.generate_kyc_lists('C' || lpad(p_first::text, 7, '0'),
                                    'C' || lpad((p_first + p_count - 1)::text, 7, '0'));
  END IF;
  IF v_bulk THEN
    PERFORM set_config('session_replication_role', v_replication_role, true);
  END IF;
  RETURN v_inserted;
END
$$;

COMMENT ON FUNCTION core.generate_customers(integer, integer, integer) IS
  'Deterministic synthetic customers p_first .. p_first+p_count-1 with addresses, contacts, '
  'documents (0002), related parties and KYC lists (0003); every p_invalid_every-th one gets one '
  'defect the ETL must hold back (see 0002_generator.sql). Returns customers inserted.';
