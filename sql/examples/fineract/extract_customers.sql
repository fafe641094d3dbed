-- extract_customers.sql for Apache Fineract: changed clients of a Fineract tenant database, one
-- row per client (persons and entities), shaped as AMLYZE customer fields. It follows the SQL
-- contract of the main README ("The SQL contract"); sql/extract_customers.sql is the annotated
-- reference. Integration guide: README.md beside this file. Tested against a DDL subset of
-- Fineract's schema (tests/fixtures/fineract/) written from its Liquibase changelogs.
--
-- Fineract tables read
--   m_client             the client: status_enum, legal_form_enum, names, dates, mobile_no,
--                        email_address, client_classification_cv_id, audit times
--   m_client_non_person  entity details: constitution_cv_id (legal form), incorp_no
--   m_client_address     client <-> address, with address_type_id and is_active
--   m_address            street, address lines, city, postal_code, country_id
--   m_client_identifier  identity documents: document_type_id, document_key, description, status
--   m_code_value         code values (country, address type, constitution, classification,
--                        document type)
--
-- Mapping (ADAPT marks what a bank must check against its own code values and AMLYZE's
-- classifiers, GET /classifier/{name})
--   customerExtId          m_client.account_no (unique, never empty). ADAPT: external_id if that
--                          is where the bank's master customer number lives.
--   entityType             legal_form_enum 1 (or NULL, older clients) INDIVIDUAL, 2 ORGANIZATION
--   riskManagementCategory IND / ORG. ADAPT: your installation's categories.
--   customerStatus         status_enum 100 PENDING, 300 ACTIVE, 303/304 (transfer between
--                          offices in progress / on hold) ACTIVE, 600 CLOSED, 700 REJECTED,
--                          800 (withdrawn by the applicant) REJECTED; anything else NULL, so the
--                          client is held back.
--   applicationDate        submittedon_date
--   approvalDate           activation_date, for clients that were activated (300, 303, 304, 600)
--   closingDate            closedon_date, only for status 600 (a reactivated client keeps its
--                          old closedon_date, which must not be sent)
--   riskLevel              Fineract has no AML risk rating. ADAPT: this bank keeps it as the
--                          ClientClassification code value ('Low Risk', 'Medium Risk',
--                          'High Risk'); an unclassified client is sent as LOW.
--   nationalCode           person: the active identifier of type 'Id'; entity: incorp_no
--   firstName, lastName    firstname (with middlename appended: given names), lastname. A
--                          person entered with fullname only has no firstName/lastName and is
--                          held back.
--   birthDate              date_of_birth of a person
--   citizenshipCountry     Fineract has no nationality. ADAPT: the country of the person's main
--                          active address (Residence first) stands in for it; read your own
--                          field instead if you keep one (e.g. in a client datatable).
--   title                  fullname of an entity (display_name if empty)
--   registrationCountry    country of the entity's main active address (Registered Office first)
--   legalForm              the entity's 'Constitution' code value. ADAPT: your values, your
--                          installation's legalForm classifier. Unknown: NULL, held back.
--   establishmentDate      date_of_birth of an entity: Fineract keeps the incorporation date there
--                          (m_client_non_person has no incorporation date, only
--                          incorp_validity_till).
--   listAddress            active m_client_address rows; addressType from the 'ADDRESS_TYPE'
--                          code value (ADAPT), unknown types omitted.
--   listContact            mobile_no (MOBILEPHONE) and email_address (EMAIL)
--   listBusinessEntityDocument
--                          active identifiers (status 200); type from the 'Customer Identifier'
--                          code value (Passport, Id, Drivers License, Residence Permit,
--                          Registration Certificate; anything else OTHER, with the Fineract type
--                          as description). Fineract records none of the three facts AMLYZE
--                          requires besides the number. ADAPT, and review before going live:
--                            documentIssueAuthority  the identifier's description: staff must
--                                                    record the issuing authority there; an
--                                                    identifier without one holds the client back
--                            documentIssueCountry    the client's home country (as above)
--                            documentIssueDate       the day the identifier was recorded in
--                                                    Fineract (created_on_utc), a stand-in that is
--                                                    never earlier than the real issue date
--
-- Countries: Fineract's 'COUNTRY' code ships empty and each bank fills it. This query expects the
-- ISO 3166-1 alpha-2 code in code_description (code_value keeps the name Fineract shows, e.g.
-- 'Lithuania' / 'LT'); a code_value that is itself two letters ('LT') also works. A country with
-- neither maps to NULL, so its clients are held back with the reason in the ledger: add the code
-- in Fineract (Admin > System > Codes > COUNTRY) and the next --full run sends them. The ISO
-- expression appears twice below (home country, listAddress): keep both in step.
--
-- Change detection: _changed_at is the latest of m_client.last_modified_on_utc (Fineract's audit
-- column, set on every change of the client itself), the identifiers' last_modified_on_utc and
-- the addresses' created_on/updated_on. Those two are plain dates, filled only when the API
-- caller sends them, so they count as changed two days after the date (the day after, plus a day
-- for the tenant's time zone; this query runs in UTC). Fineract moves no timestamp when only
-- m_client_non_person, m_client_address (type, active flag), a deleted identifier or a code value
-- changes: run with --full regularly (e.g. weekly) to catch those; it re-reads every client and
-- still sends only the ones whose payload changed. On an upgraded tenant, clients not modified
-- since the audit columns were added have last_modified_on_utc NULL; created_on_utc and then
-- submittedon_date stand in.
WITH changed AS (
  SELECT t.client_id, max(t.changed_at) AS changed_at
    FROM (SELECT c.id,
                 coalesce(c.last_modified_on_utc, c.created_on_utc,
                          c.submittedon_date::timestamptz, '-infinity'::timestamptz)
            FROM m_client c
           WHERE coalesce(c.last_modified_on_utc, c.created_on_utc,
                          c.submittedon_date::timestamptz, '-infinity'::timestamptz)
                 >= $1::timestamptz
          UNION ALL
          SELECT ci.client_id, ci.last_modified_on_utc
            FROM m_client_identifier ci
           WHERE ci.last_modified_on_utc >= $1::timestamptz
          UNION ALL
          SELECT ca.client_id, (greatest(a.created_on, a.updated_on) + 2)::timestamptz
            FROM m_client_address ca
            JOIN m_address a ON a.id = ca.address_id
           WHERE (greatest(a.created_on, a.updated_on) + 2)::timestamptz >= $1::timestamptz)
         AS t (client_id, changed_at)
   GROUP BY t.client_id
)
SELECT
  c.account_no                                                AS "customerExtId",
  CASE k.kind WHEN 'P' THEN 'INDIVIDUAL' WHEN 'O' THEN 'ORGANIZATION' END
                                                              AS "entityType",
  CASE k.kind WHEN 'P' THEN 'IND' WHEN 'O' THEN 'ORG' END     AS "riskManagementCategory",
  CASE upper(btrim(cls.code_value))
    WHEN 'NO RISK' THEN 'NONE' WHEN 'LOW RISK' THEN 'LOW' WHEN 'MEDIUM RISK' THEN 'MEDIUM'
    WHEN 'HIGH RISK' THEN 'HIGH' WHEN 'EXTREME RISK' THEN 'EXTREME'
    ELSE 'LOW'
  END                                                         AS "riskLevel",
  CASE c.status_enum
    WHEN 100 THEN 'PENDING' WHEN 300 THEN 'ACTIVE' WHEN 303 THEN 'ACTIVE' WHEN 304 THEN 'ACTIVE'
    WHEN 600 THEN 'CLOSED' WHEN 700 THEN 'REJECTED' WHEN 800 THEN 'REJECTED'
  END                                                         AS "customerStatus",
  c.submittedon_date                                          AS "applicationDate",
  CASE WHEN c.status_enum IN (300, 303, 304, 600) THEN c.activation_date END
                                                              AS "approvalDate",
  CASE WHEN c.status_enum = 600 THEN c.closedon_date END      AS "closingDate",
  CASE k.kind
    WHEN 'P' THEN (SELECT nullif(btrim(ci.document_key), '')
                     FROM m_client_identifier ci
                     JOIN m_code_value dt ON dt.id = ci.document_type_id
                    WHERE ci.client_id = c.id AND ci.status = 200
                      AND upper(btrim(dt.code_value)) = 'ID'
                    ORDER BY ci.id
                    LIMIT 1)
    WHEN 'O' THEN nullif(btrim(np.incorp_no), '')
  END                                                         AS "nationalCode",

  -- INDIVIDUAL only
  CASE WHEN k.kind = 'P' THEN
    nullif(concat_ws(' ', nullif(btrim(c.firstname), ''), nullif(btrim(c.middlename), '')), '')
  END                                                         AS "firstName",
  CASE WHEN k.kind = 'P' THEN nullif(btrim(c.lastname), '') END AS "lastName",
  CASE WHEN k.kind = 'P' THEN c.date_of_birth END             AS "birthDate",
  CASE WHEN k.kind = 'P' THEN home.country END                AS "citizenshipCountry",

  -- ORGANIZATION only
  CASE WHEN k.kind = 'O' THEN
    coalesce(nullif(btrim(c.fullname), ''), nullif(btrim(c.display_name), ''))
  END                                                         AS "title",
  CASE WHEN k.kind = 'O' THEN home.country END                AS "registrationCountry",
  CASE WHEN k.kind = 'O' THEN
    CASE upper(btrim(con.code_value))
      WHEN 'PRIVATE LIMITED COMPANY' THEN 'LTD'
      WHEN 'PUBLIC LIMITED COMPANY' THEN 'CORPORATION'
      WHEN 'COOPERATIVE' THEN 'COOPERATIVE'
      WHEN 'SOLE PROPRIETORSHIP' THEN 'SOLE_PROPRIETORSHIP'
    END
  END                                                         AS "legalForm",
  CASE WHEN k.kind = 'O' THEN c.date_of_birth END             AS "establishmentDate",

  -- Lists: correlated subqueries (never a join that repeats the client row), null keys left
  -- out, elements ordered, NULL rather than [] when there are none.
  (SELECT json_agg(json_strip_nulls(json_build_object(
            'country', CASE
                         WHEN btrim(cv.code_description) ~ '^[A-Za-z]{2}$'
                           THEN upper(btrim(cv.code_description))
                         WHEN btrim(cv.code_value) ~ '^[A-Za-z]{2}$'
                           THEN upper(btrim(cv.code_value))
                       END,
            'addressDetails', nullif(concat_ws(', ', x.street,
                                               nullif(concat_ws(' ', x.zip, x.city), ''),
                                               nullif(btrim(cv.code_value), '')), ''),
            'addressType', CASE upper(btrim(t.code_value))
                             WHEN 'RESIDENCE' THEN 'RESIDENCE'
                             WHEN 'POSTAL' THEN 'CORRESPONDENCE'
                             WHEN 'REGISTERED OFFICE' THEN 'REGISTRATION'
                             WHEN 'HEAD OFFICE' THEN 'HEADQUARTERS'
                           END,
            'city', x.city,
            'streetAddress', x.street,
            'zipCode', x.zip))
          ORDER BY ca.id)
     FROM m_client_address ca
     JOIN m_address a ON a.id = ca.address_id
     LEFT JOIN m_code_value t ON t.id = ca.address_type_id
     LEFT JOIN m_code_value cv ON cv.id = a.country_id
    CROSS JOIN LATERAL (
          SELECT nullif(concat_ws(', ', nullif(btrim(a.street), ''),
                                  nullif(btrim(a.address_line_1), ''),
                                  nullif(btrim(a.address_line_2), ''),
                                  nullif(btrim(a.address_line_3), '')), '') AS street,
                 coalesce(nullif(btrim(a.city), ''), nullif(btrim(a.town_village), '')) AS city,
                 nullif(btrim(a.postal_code), '') AS zip) x
    WHERE ca.client_id = c.id AND ca.is_active)              AS "listAddress",

  (SELECT json_agg(json_build_object('contactType', m.contact_type,
                                     'contactDetails', m.details) ORDER BY m.ord)
     FROM (VALUES (1, 'MOBILEPHONE', nullif(btrim(c.mobile_no), '')),
                  (2, 'EMAIL', nullif(btrim(c.email_address), ''))) AS m (ord, contact_type, details)
    WHERE m.details IS NOT NULL)                              AS "listContact",

  (SELECT json_agg(json_strip_nulls(json_build_object(
            'entityType', CASE k.kind WHEN 'P' THEN 'INDIVIDUAL' WHEN 'O' THEN 'ORGANIZATION' END,
            'identityDocumentType', d.doc_type,
            'documentNumber', nullif(btrim(ci.document_key), ''),
            'documentIssueDate', to_char(ci.created_on_utc, 'YYYY-MM-DD'),
            'documentIssueCountry', home.country,
            'documentIssueAuthority', nullif(btrim(ci.description), ''),
            'description', CASE WHEN d.doc_type = 'OTHER' THEN btrim(dt.code_value) END))
          ORDER BY ci.id)
     FROM m_client_identifier ci
     JOIN m_code_value dt ON dt.id = ci.document_type_id
    CROSS JOIN LATERAL (
          SELECT CASE upper(btrim(dt.code_value))
                   WHEN 'PASSPORT' THEN 'PASSPORT'
                   WHEN 'ID' THEN 'IDENTITYCARD'
                   WHEN 'DRIVERS LICENSE' THEN 'DRIVINGLICENSE'
                   WHEN 'RESIDENCE PERMIT' THEN 'RESIDENCEPERMIT'
                   WHEN 'REGISTRATION CERTIFICATE' THEN 'REGISTRATIONCERTIFICATE'
                   ELSE 'OTHER'
                 END AS doc_type) d
    WHERE ci.client_id = c.id AND ci.status = 200)           AS "listBusinessEntityDocument",

  chg.changed_at                                              AS "_changed_at"
FROM changed chg
JOIN m_client c ON c.id = chg.client_id
CROSS JOIN LATERAL (
  SELECT CASE coalesce(c.legal_form_enum, 1) WHEN 1 THEN 'P' WHEN 2 THEN 'O' END AS kind) k
LEFT JOIN m_client_non_person np ON np.client_id = c.id
LEFT JOIN m_code_value con ON con.id = np.constitution_cv_id
LEFT JOIN m_code_value cls ON cls.id = c.client_classification_cv_id
-- The client's home country: the ISO code of its main active address (Residence for a person,
-- Registered Office for an entity, then Head Office, then any; the oldest first).
LEFT JOIN LATERAL (
  SELECT CASE
           WHEN btrim(cv.code_description) ~ '^[A-Za-z]{2}$' THEN upper(btrim(cv.code_description))
           WHEN btrim(cv.code_value) ~ '^[A-Za-z]{2}$' THEN upper(btrim(cv.code_value))
         END AS country
    FROM m_client_address ca
    JOIN m_address a ON a.id = ca.address_id
    LEFT JOIN m_code_value t ON t.id = ca.address_type_id
    LEFT JOIN m_code_value cv ON cv.id = a.country_id
   WHERE ca.client_id = c.id AND ca.is_active
   ORDER BY CASE upper(btrim(t.code_value))
              WHEN 'RESIDENCE' THEN 1 WHEN 'REGISTERED OFFICE' THEN 1 WHEN 'HEAD OFFICE' THEN 2
              ELSE 3
            END, ca.id
   LIMIT 1) home ON true
