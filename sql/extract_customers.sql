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
-- the customer or of any of its addresses, contacts, documents, related parties, KYC answers, tax
-- residences, products and attributes (0001_core_schema.sql, 0003_kyc_lists.sql), and an index on
-- it serves small windows; '-infinity' reads the whole table sequentially.
--
-- Installation classifiers used below (check them with GET /classifier/{name}; the codes on the
-- right are this reference mapping's choice, the bank's codes on the left):
--   relationType        UBO OWNER, SHR SHAREHOLDER, DIR DIRECTOR, SIG AUTHORIZED_PERSON,
--                       REP REPRESENTATIVE, GRD GUARDIAN
--   turnoverType        ACC TURNOVER_PER_MONTH, CASH CASH_TURNOVER, INC PLANNED_FUTURE_INCOME
--   incomeSourceType    SAL SALARY, BUS BUSINESS, PEN PENSION, INV INVESTMENTS, RNT RENT,
--                       BEN SOCIAL_BENEFITS, FAM FAMILY_SUPPORT, OTH OTHER
--   sourceOfWealth      SAV SAVINGS, INH INHERITANCE, PROP SALE_OF_PROPERTY, BUS BUSINESS_PROFITS,
--                       INV INVESTMENTS, GIFT GIFT, CAP SHARE_CAPITAL, PROF RETAINED_EARNINGS,
--                       LOAN LOAN
--   paymentPurposeType  SAL SALARY, PEN PENSION, UTIL RENT_AND_UTILITIES, CARD EVERYDAY_EXPENSES,
--                       LOAN LOANS, SAV SAVINGS_AND_INVESTMENTS, FAM FAMILY_SUPPORT,
--                       CUST PAYMENTS_FROM_CUSTOMERS, SUPP PAYMENTS_TO_SUPPLIERS, PAYR SALARY,
--                       TAX TAXES, DIV DIVIDENDS, RENT RENT_AND_UTILITIES
--   serviceType         ACC PAYMENTS, CRD CARDS, DEP DEPOSITS, LNS LOANS, LEAS LEASING,
--                       INV INVESTMENTS, FX CURRENCY_EXCHANGE, TRADE TRADE_FINANCE
--   listAdditionalValues codes are the bank's attribute codes (core.attribute_def), which must be
--                       set up in AMLYZE as client-specific fields with the same datatype.
-- An unknown bank code maps to NULL, so the job holds the customer back (required field missing)
-- instead of sending a guess.
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

  -- KYC profile: at most one row per customer (UNIQUE customer_id), so this join cannot repeat a
  -- customer. Organisation facts only for organisations, the occupation only for persons.
  nullif(btrim(k.business_description), '')                       AS "activityDescription",
  k.cash_intensive                                                AS "doesCashDominate",
  CASE WHEN c.kind = 'O' THEN k.employees END                     AS "numberOfEmployees",
  CASE WHEN c.kind = 'O' THEN k.is_listed END                     AS "isListed",
  CASE WHEN c.kind = 'O' THEN nullif(btrim(k.lei), '') END        AS "lei",
  -- One sub-object for the occupation; an unknown occupation sends no fieldOfActivity at all.
  CASE WHEN c.kind = 'P' AND k.occupation IN ('EMP', 'SELF', 'UNEMP', 'PENS', 'STUD', 'OTHER')
  THEN json_strip_nulls(json_build_object(
         'employment', CASE WHEN k.occupation IN ('EMP', 'SELF', 'UNEMP') THEN json_build_object(
                         'employerTitle', nullif(btrim(k.employer_name), ''),
                         'employmentPositionDescription', nullif(btrim(k.job_title), ''),
                         'isEmployee', k.occupation = 'EMP',
                         'isSelfEmployed', k.occupation = 'SELF',
                         'isUnemployed', k.occupation = 'UNEMP') END,
         'pension', CASE WHEN k.occupation = 'PENS' THEN json_build_object(
                      'isPensioner', true,
                      'pensionCountry', k.pension_country::text) END,
         'student', CASE WHEN k.occupation = 'STUD' THEN json_build_object(
                      'isStudent', true,
                      'higherSchoolTitle', nullif(btrim(k.school_name), ''),
                      'higherSchoolCountry', k.school_country::text) END,
         'other', CASE WHEN k.occupation = 'OTHER' THEN json_build_object(
                    'isOtherStatus', true,
                    'otherStatusDescription', nullif(btrim(k.occupation_note), '')) END))
  END                                                             AS "fieldOfActivity",

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

  -- Current related parties (ended_on IS NULL), each with only its own entity type's keys, and
  -- its address, contact and document from the same row. Shares are whole percent in AMLYZE.
  (SELECT json_agg(json_strip_nulls(json_build_object(
            'entityType', CASE r.party_kind WHEN 'P' THEN 'INDIVIDUAL'
                                            WHEN 'O' THEN 'ORGANIZATION' END,
            'relationType', CASE r.role
                              WHEN 'UBO' THEN 'OWNER' WHEN 'SHR' THEN 'SHAREHOLDER'
                              WHEN 'DIR' THEN 'DIRECTOR' WHEN 'SIG' THEN 'AUTHORIZED_PERSON'
                              WHEN 'REP' THEN 'REPRESENTATIVE' WHEN 'GRD' THEN 'GUARDIAN'
                            END,
            'relationDescription', nullif(btrim(r.role_note), ''),
            'extId', nullif(btrim(r.party_no), ''),
            'share', round(r.share_pct)::integer,
            'votePercentage', round(r.vote_pct)::integer,
            'nationalCode', CASE r.party_kind WHEN 'P' THEN nullif(btrim(r.national_id), '')
                                              WHEN 'O' THEN nullif(btrim(r.registration_no), '')
                            END,
            'country', CASE r.party_kind WHEN 'P' THEN r.citizenship::text
                                         WHEN 'O' THEN r.registration_country::text END,
            'isPEP', r.pep_flag,
            -- person
            'firstName', CASE WHEN r.party_kind = 'P' THEN nullif(btrim(r.first_name), '') END,
            'lastName', CASE WHEN r.party_kind = 'P' THEN nullif(btrim(r.last_name), '') END,
            'birthDate', CASE WHEN r.party_kind = 'P' THEN to_char(r.birth_date, 'YYYY-MM-DD') END,
            'birthCountry', CASE WHEN r.party_kind = 'P' THEN r.birth_country::text END,
            -- organisation
            'title', CASE WHEN r.party_kind = 'O' THEN nullif(btrim(r.legal_name), '') END,
            'registrationCountry', CASE WHEN r.party_kind = 'O'
                                        THEN r.registration_country::text END,
            'legalForm', CASE WHEN r.party_kind = 'O' THEN
                           CASE r.legal_form
                             WHEN 'UAB' THEN 'LTD' WHEN 'LTD' THEN 'LTD' WHEN 'SIA' THEN 'LTD'
                             WHEN 'OU' THEN 'LTD' WHEN 'SPZOO' THEN 'LTD' WHEN 'GMBH' THEN 'LTD'
                             WHEN 'OY' THEN 'LTD'
                             WHEN 'AB' THEN 'CORPORATION' WHEN 'PLC' THEN 'CORPORATION'
                             WHEN 'AS' THEN 'CORPORATION' WHEN 'SA' THEN 'CORPORATION'
                             WHEN 'AG' THEN 'CORPORATION' WHEN 'OYJ' THEN 'CORPORATION'
                             WHEN 'COOP' THEN 'COOPERATIVE'
                             WHEN 'SOLE' THEN 'SOLE_PROPRIETORSHIP'
                           END END,
            'establishmentDate', CASE WHEN r.party_kind = 'O'
                                      THEN to_char(r.established_on, 'YYYY-MM-DD') END,
            -- the party's own lists; a half-filled address or document is sent as it is, so a
            -- missing required field holds the customer back instead of vanishing
            'listContact', (SELECT json_agg(json_build_object('contactType', x.type,
                                                              'contactDetails', x.details)
                                            ORDER BY x.pos)
                              FROM (VALUES (1, 'EMAIL', nullif(btrim(r.email), '')),
                                           (2, 'MOBILEPHONE', nullif(btrim(r.mobile), '')))
                                   AS x(pos, type, details)
                             WHERE x.details IS NOT NULL),
            'listAddress', CASE WHEN coalesce(r.addr_line, r.addr_city, r.addr_postcode,
                                          r.addr_country) IS NOT NULL THEN json_build_array(
                             json_build_object(
                               'country', r.addr_country::text,
                               'addressDetails', nullif(concat_ws(', ',
                                   nullif(btrim(r.addr_line), ''),
                                   nullif(concat_ws(' ', nullif(btrim(r.addr_postcode), ''),
                                                    nullif(btrim(r.addr_city), '')), ''),
                                   r.addr_country::text), ''),
                               'addressType', CASE r.party_kind WHEN 'P' THEN 'RESIDENCE'
                                                                WHEN 'O' THEN 'REGISTRATION' END,
                               'city', nullif(btrim(r.addr_city), ''),
                               'streetAddress', nullif(btrim(r.addr_line), ''),
                               'zipCode', nullif(btrim(r.addr_postcode), ''))) END,
            'listBusinessEntityDocument', CASE WHEN coalesce(r.doc_type, r.doc_number) IS NOT NULL
                                          THEN json_build_array(
                             json_build_object(
                               'entityType', CASE r.party_kind WHEN 'P' THEN 'INDIVIDUAL'
                                                               WHEN 'O' THEN 'ORGANIZATION' END,
                               'identityDocumentType', CASE r.doc_type
                                   WHEN 'PASS' THEN 'PASSPORT' WHEN 'IDC' THEN 'IDENTITYCARD'
                                   WHEN 'RESP' THEN 'RESIDENCEPERMIT'
                                   WHEN 'DRVL' THEN 'DRIVINGLICENSE'
                                   WHEN 'REGC' THEN 'REGISTRATIONCERTIFICATE' END,
                               'documentNumber', nullif(btrim(r.doc_number), ''),
                               'documentIssueDate', to_char(r.doc_issued_on, 'YYYY-MM-DD'),
                               'documentIssueCountry', r.doc_issuing_country::text,
                               'documentIssueAuthority', nullif(btrim(r.doc_issuing_authority), ''),
                               'documentExpiryDate', to_char(r.doc_expires_on, 'YYYY-MM-DD')))
                           END))
          ORDER BY r.id)
     FROM core.related_party r
    WHERE r.customer_id = c.id AND r.ended_on IS NULL)            AS "listRelatedEntity",

  -- KYC lists. Amounts and percentages are whole numbers where AMLYZE has BigInteger fields
  -- (from, to, incomePercentage); a turnover row without any amount says nothing and is skipped
  -- (AMLYZE needs from or to).
  (SELECT json_agg(json_strip_nulls(json_build_object(
            'turnoverType', CASE t.turnover_kind WHEN 'ACC' THEN 'TURNOVER_PER_MONTH'
                                                 WHEN 'CASH' THEN 'CASH_TURNOVER'
                                                 WHEN 'INC' THEN 'PLANNED_FUTURE_INCOME' END,
            'turnoverRange', CASE t.period WHEN 'D' THEN 'DAILY' WHEN 'M' THEN 'MONTHLY'
                                           WHEN 'Y' THEN 'ANNUAL' WHEN 'S' THEN 'SINGLE' END,
            'from', round(t.amount_from)::bigint,
            'to', round(t.amount_to)::bigint))
          ORDER BY t.id)
     FROM core.kyc_turnover t
    WHERE t.customer_id = c.id
      AND (t.amount_from IS NOT NULL OR t.amount_to IS NOT NULL)) AS "listDeclaredTurnover",

  (SELECT json_agg(json_strip_nulls(json_build_object(
            'incomeSourceType', CASE i.source_code
                                  WHEN 'SAL' THEN 'SALARY' WHEN 'BUS' THEN 'BUSINESS'
                                  WHEN 'PEN' THEN 'PENSION' WHEN 'INV' THEN 'INVESTMENTS'
                                  WHEN 'RNT' THEN 'RENT' WHEN 'BEN' THEN 'SOCIAL_BENEFITS'
                                  WHEN 'FAM' THEN 'FAMILY_SUPPORT' WHEN 'OTH' THEN 'OTHER'
                                END,
            'incomePercentage', round(i.share_pct)::integer))
          ORDER BY i.id)
     FROM core.kyc_income_source i
    WHERE i.customer_id = c.id)                                   AS "listIncomeSource",

  (SELECT json_agg(json_strip_nulls(json_build_object(
            'code', CASE w.source_code
                      WHEN 'SAV' THEN 'SAVINGS' WHEN 'INH' THEN 'INHERITANCE'
                      WHEN 'PROP' THEN 'SALE_OF_PROPERTY' WHEN 'BUS' THEN 'BUSINESS_PROFITS'
                      WHEN 'INV' THEN 'INVESTMENTS' WHEN 'GIFT' THEN 'GIFT'
                      WHEN 'CAP' THEN 'SHARE_CAPITAL' WHEN 'PROF' THEN 'RETAINED_EARNINGS'
                      WHEN 'LOAN' THEN 'LOAN'
                    END,
            'amount', w.amount,
            'comment', nullif(btrim(w.note), '')))
          ORDER BY w.id)
     FROM core.kyc_wealth_source w
    WHERE w.customer_id = c.id)                                   AS "listSourceOfWealth",

  (SELECT json_agg(json_strip_nulls(json_build_object(
            'paymentPurposeType', CASE pp.purpose_code
                                    WHEN 'SAL' THEN 'SALARY' WHEN 'PEN' THEN 'PENSION'
                                    WHEN 'UTIL' THEN 'RENT_AND_UTILITIES'
                                    WHEN 'CARD' THEN 'EVERYDAY_EXPENSES' WHEN 'LOAN' THEN 'LOANS'
                                    WHEN 'SAV' THEN 'SAVINGS_AND_INVESTMENTS'
                                    WHEN 'FAM' THEN 'FAMILY_SUPPORT'
                                    WHEN 'CUST' THEN 'PAYMENTS_FROM_CUSTOMERS'
                                    WHEN 'SUPP' THEN 'PAYMENTS_TO_SUPPLIERS'
                                    WHEN 'PAYR' THEN 'SALARY' WHEN 'TAX' THEN 'TAXES'
                                    WHEN 'DIV' THEN 'DIVIDENDS' WHEN 'RENT' THEN 'RENT_AND_UTILITIES'
                                  END,
            'turnoverDirection', CASE pp.direction WHEN 'I' THEN 'IN' WHEN 'O' THEN 'OUT' END))
          ORDER BY pp.id)
     FROM core.kyc_payment_purpose pp
    WHERE pp.customer_id = c.id)                                  AS "listPaymentPurpose",

  (SELECT json_agg(json_build_object(
            'country', pc.country::text,
            'turnoverDirection', CASE pc.usage WHEN 'RCV' THEN 'IN' WHEN 'SND' THEN 'OUT' END)
          ORDER BY pc.id)
     FROM core.kyc_country pc
    WHERE pc.customer_id = c.id AND pc.usage IN ('RCV', 'SND'))   AS "listPaymentCountry",

  (SELECT json_agg(json_build_object('country', ac.country::text) ORDER BY ac.id)
     FROM core.kyc_country ac
    WHERE ac.customer_id = c.id AND ac.usage = 'ACT')             AS "listCountryOfActivity",

  (SELECT json_agg(json_strip_nulls(json_build_object(
            'country', tr.country::text,
            'taxpayerNumber', nullif(btrim(tr.tin), '')))
          ORDER BY tr.id)
     FROM core.tax_residence tr
    WHERE tr.customer_id = c.id)                                  AS "listCountryOfTaxPayment",

  -- Open products, each service type once (two cards are one CARDS).
  (SELECT json_agg(json_strip_nulls(json_build_object('serviceType', sv.service_type))
                   ORDER BY sv.service_type)
     FROM (SELECT DISTINCT
                  CASE s.service_code
                    WHEN 'ACC' THEN 'PAYMENTS' WHEN 'CRD' THEN 'CARDS' WHEN 'DEP' THEN 'DEPOSITS'
                    WHEN 'LNS' THEN 'LOANS' WHEN 'LEAS' THEN 'LEASING'
                    WHEN 'INV' THEN 'INVESTMENTS' WHEN 'FX' THEN 'CURRENCY_EXCHANGE'
                    WHEN 'TRADE' THEN 'TRADE_FINANCE'
                  END AS service_type
             FROM core.customer_service s
            WHERE s.customer_id = c.id AND s.closed_on IS NULL) sv)  AS "listOrderedService",

  -- Client-specific attributes: value is always a string that parses as the datatype (booleans
  -- true/false, dates yyyy-MM-dd, decimals with a point).
  (SELECT json_agg(json_strip_nulls(json_build_object(
            'code', ad.code,
            'datatype', CASE ad.datatype WHEN 'B' THEN 'BOOLEAN' WHEN 'S' THEN 'STRING'
                                         WHEN 'D' THEN 'DATE' WHEN 'I' THEN 'INTEGER'
                                         WHEN 'N' THEN 'DECIMAL' END,
            'description', nullif(btrim(ad.label), ''),
            'value', CASE ad.datatype
                       WHEN 'B' THEN av.value_bool::text
                       WHEN 'S' THEN nullif(btrim(av.value_text), '')
                       WHEN 'D' THEN to_char(av.value_date, 'YYYY-MM-DD')
                       WHEN 'I' THEN av.value_int::text
                       WHEN 'N' THEN av.value_num::text
                     END))
          ORDER BY av.id)
     FROM core.customer_attribute av
     JOIN core.attribute_def ad ON ad.code = av.attr_code
    WHERE av.customer_id = c.id)                                  AS "listAdditionalValues",

  c.updated_at                                                    AS "_changed_at"
FROM core.customer c
LEFT JOIN core.kyc_profile k ON k.customer_id = c.id
WHERE c.updated_at >= $1::timestamptz
