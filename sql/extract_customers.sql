-- extract_customers.sql: changed customers of the reference core-banking schema (schema "core",
-- migrations/reference_bank), one row per customer, shaped as AMLYZE customer fields.
--
-- This file is the whole mapping between a bank's schema and AMLYZE. To connect another core
-- system, write your own query to the same contract and point source.extract_sql at it:
--
-- Parameter
--   $1 timestamptz  inclusive lower bound of the change window: return every customer whose
--                   latest change time is >= $1. The job passes its watermark minus a lookback,
--                   or '-infinity' on a first run and with --full. Over-reading is harmless
--                   (unchanged customers are skipped by payload hash); under-reading loses data.
--
-- Columns
--   * One column per AMLYZE customer field, named exactly like the field, in camelCase, so it
--     must be quoted: AS "customerExtId". A column that is not an AMLYZE field stops the job
--     before anything is sent.
--   * Scalars are text, date, boolean or numeric. Dates are SQL dates; the job formats them as
--     yyyy-MM-dd.
--   * NULL means "absent": the key is left out of the payload. AMLYZE rejects a field forbidden
--     for the entity type even when it is null, so one query serves persons and organisations by
--     returning NULL in the other type's columns. NULL in a required field (firstName,
--     citizenshipCountry, registrationCountry, ...) makes the job hold that customer back as
--     invalid, with the reason in the ledger; it is never sent half-filled. So map an unknown
--     code to NULL rather than guess.
--   * Lists (listAddress, listContact, listBusinessEntityDocument, ...) are json arrays of objects
--     whose keys are AMLYZE field names too. Build each in a correlated subquery (never a join
--     that repeats the customer row), leave out null keys (json_strip_nulls), order the elements
--     (the payload hash must not change when nothing changed), and return NULL, not [], when the
--     customer has none. Dates inside json are 'YYYY-MM-DD' text.
--   * Codes (status, risk rating, legal form, address, contact and document types) are mapped
--     here, in SQL. riskManagementCategory and legalForm are installation-specific AMLYZE
--     classifiers: check the codes against GET /classifier/{name} of your installation.
--   * _changed_at timestamptz (required): the customer's latest change time, including changes of
--     its addresses, contacts and documents. The job keeps its watermark below customers that have
--     not reached a final outcome. Other columns starting with "_" are reserved.
--   * communicationNumber, requester and action are filled by the job; businessUnit too when the
--     config sets it. Do not return them.
--   * At most one row per customerExtId. No trailing semicolon: the job may wrap the statement.
--
-- Change detection in this schema: triggers keep core.customer.updated_at at the latest change of
-- the customer or of any of its addresses, contacts and documents (0001_core_schema.sql), and an
-- index on it serves small windows; '-infinity' reads the whole table sequentially.
SELECT
  c.customer_no                                               AS "customerExtId",
  CASE c.kind WHEN 'P' THEN 'INDIVIDUAL' WHEN 'O' THEN 'ORGANIZATION' END
                                                              AS "entityType",
  CASE c.kind WHEN 'P' THEN 'IND' WHEN 'O' THEN 'ORG' END     AS "riskManagementCategory",
  CASE c.risk_rating
    WHEN '0' THEN 'NONE' WHEN '1' THEN 'LOW' WHEN '2' THEN 'MEDIUM' WHEN '3' THEN 'HIGH'
    WHEN '4' THEN 'EXTREME'
  END                                                         AS "riskLevel",
  CASE c.status
    WHEN 'N' THEN 'PENDING' WHEN 'A' THEN 'ACTIVE' WHEN 'S' THEN 'SUSPENDED'
    WHEN 'R' THEN 'REJECTED' WHEN 'C' THEN 'CLOSED'
  END                                                         AS "customerStatus",
  c.application_date                                          AS "applicationDate",
  c.approved_on                                               AS "approvalDate",
  -- AMLYZE wants closingDate exactly when the status is CLOSED; a reopened customer keeps an old
  -- closed_on in the core, which must not be sent.
  CASE WHEN c.status = 'C' THEN c.closed_on END               AS "closingDate",
  CASE c.kind WHEN 'P' THEN nullif(btrim(c.national_id), '')
              WHEN 'O' THEN nullif(btrim(c.registration_no), '') END
                                                              AS "nationalCode",
  c.pep_flag                                                  AS "isPEP",

  -- INDIVIDUAL only
  CASE WHEN c.kind = 'P' THEN nullif(btrim(c.first_name), '') END AS "firstName",
  CASE WHEN c.kind = 'P' THEN nullif(btrim(c.last_name), '') END  AS "lastName",
  CASE WHEN c.kind = 'P' THEN c.birth_date END                    AS "birthDate",
  CASE WHEN c.kind = 'P' THEN c.birth_country::text END           AS "birthCountry",
  CASE WHEN c.kind = 'P' THEN c.citizenship::text END             AS "citizenshipCountry",

  -- ORGANIZATION only
  CASE WHEN c.kind = 'O' THEN nullif(btrim(c.legal_name), '') END   AS "title",
  CASE WHEN c.kind = 'O' THEN nullif(btrim(c.trading_name), '') END AS "tradingName",
  CASE WHEN c.kind = 'O' THEN c.registration_country::text END      AS "registrationCountry",
  CASE WHEN c.kind = 'O' THEN
    CASE c.legal_form
      WHEN 'UAB' THEN 'LTD' WHEN 'LTD' THEN 'LTD' WHEN 'SIA' THEN 'LTD' WHEN 'OU' THEN 'LTD'
      WHEN 'SPZOO' THEN 'LTD' WHEN 'GMBH' THEN 'LTD' WHEN 'OY' THEN 'LTD'
      WHEN 'AB' THEN 'CORPORATION' WHEN 'PLC' THEN 'CORPORATION' WHEN 'AS' THEN 'CORPORATION'
      WHEN 'SA' THEN 'CORPORATION' WHEN 'AG' THEN 'CORPORATION' WHEN 'OYJ' THEN 'CORPORATION'
      WHEN 'COOP' THEN 'COOPERATIVE'
      WHEN 'SOLE' THEN 'SOLE_PROPRIETORSHIP'
    END
  END                                                             AS "legalForm",
  CASE WHEN c.kind = 'O' THEN c.established_on END                AS "establishmentDate",

  -- Lists
  (SELECT json_agg(json_strip_nulls(json_build_object(
            'country', a.country::text,
            'addressDetails', nullif(concat_ws(', ', nullif(btrim(a.line1), ''),
                                               nullif(concat_ws(' ', nullif(btrim(a.postcode), ''),
                                                                nullif(btrim(a.city), '')), ''),
                                               a.country::text), ''),
            'addressType', CASE a.address_type
                             WHEN 'HOME' THEN 'RESIDENCE' WHEN 'POST' THEN 'CORRESPONDENCE'
                             WHEN 'REG' THEN 'REGISTRATION' WHEN 'OFFICE' THEN 'HEADQUARTERS'
                           END,
            'city', nullif(btrim(a.city), ''),
            'streetAddress', nullif(btrim(a.line1), ''),
            'zipCode', nullif(btrim(a.postcode), ''),
            'useForCorrespondence', a.is_primary))
          ORDER BY a.id)
     FROM core.address a
    WHERE a.customer_id = c.id)                                   AS "listAddress",

  (SELECT json_agg(json_strip_nulls(json_build_object(
            'contactType', CASE t.channel
                             WHEN 'MOBILE' THEN 'MOBILEPHONE' WHEN 'PHONE' THEN 'FIXEDPHONE'
                             WHEN 'EMAIL' THEN 'EMAIL' WHEN 'WEB' THEN 'WEBSITE'
                           END,
            'contactDetails', nullif(btrim(t.value), ''),
            'useForCommunication', t.preferred))
          ORDER BY t.id)
     FROM core.contact t
    WHERE t.customer_id = c.id)                                   AS "listContact",

  (SELECT json_agg(json_strip_nulls(json_build_object(
            'entityType', CASE c.kind WHEN 'P' THEN 'INDIVIDUAL' WHEN 'O' THEN 'ORGANIZATION' END,
            'identityDocumentType', CASE d.doc_type
                                      WHEN 'PASS' THEN 'PASSPORT' WHEN 'IDC' THEN 'IDENTITYCARD'
                                      WHEN 'RESP' THEN 'RESIDENCEPERMIT'
                                      WHEN 'DRVL' THEN 'DRIVINGLICENSE'
                                      WHEN 'REGC' THEN 'REGISTRATIONCERTIFICATE'
                                    END,
            'documentNumber', nullif(btrim(d.doc_number), ''),
            'documentIssueDate', to_char(d.issued_on, 'YYYY-MM-DD'),
            'documentIssueCountry', d.issuing_country::text,
            'documentIssueAuthority', nullif(btrim(d.issuing_authority), ''),
            'documentExpiryDate', to_char(d.expires_on, 'YYYY-MM-DD')))
          ORDER BY d.id)
     FROM core.identity_document d
    WHERE d.customer_id = c.id)                                   AS "listBusinessEntityDocument",

  c.updated_at                                                    AS "_changed_at"
FROM core.customer c
WHERE c.updated_at >= $1::timestamptz
