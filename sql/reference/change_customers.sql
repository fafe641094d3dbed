-- change_customers.sql: a few realistic changes in the reference core-banking schema, for the demo.
--
--   psql -v ON_ERROR_STOP=1 -f sql/reference/change_customers.sql
--
-- No parameters. Run it after core.generate_customers() has created at least C0000001..C0000031.
-- It changes six customers in one transaction, so the next incremental run extracts exactly these:
--   C0000011  organisation renamed (legal and trading name)
--   C0000013  organisation's office moved (OFFICE address), and it has a new chief executive:
--             the current director's relation ends today (ended_on, so it is no longer sent) and
--             a new director is added to core.related_party
--   C0000017  person's last name changed (marriage)
--   C0000019  person moved (HOME address)
--   C0000023  person moved (HOME address)
--   C0000031  active person closed today (status C, closed_on = current_date): sent as an UPDATE
--             with customerStatus CLOSED and closingDate
--
-- Why these numbers: they are valid customers of the generator, and prime, so none of them gets a
-- defect for any p_invalid_every except 1 and the number itself (a defect goes to every customer n
-- with n % p_invalid_every = 0). The checks below stop the script if the data is not what it
-- expects (another generator version, another p_invalid_every, hand edits).
--
-- Deterministic and repeatable: every change sets fixed values, so a second run changes nothing
-- (the triggers ignore updates that rewrite identical values), the closure and the director's
-- departure keep their first date, and the new director is added once.

\set ON_ERROR_STOP on

BEGIN;

DO $$
DECLARE
  v_expected CONSTANT text[][] := ARRAY[
    ['C0000011', 'O'], ['C0000013', 'O'], ['C0000017', 'P'], ['C0000019', 'P'],
    ['C0000023', 'P'], ['C0000031', 'P']];
  v_row core.customer;
  i int;
BEGIN
  FOR i IN 1 .. array_length(v_expected, 1) LOOP
    SELECT * INTO v_row FROM core.customer WHERE customer_no = v_expected[i][1];
    IF NOT FOUND THEN
      RAISE EXCEPTION 'change_customers: % does not exist; generate more customers first',
        v_expected[i][1];
    END IF;
    IF v_row.kind <> v_expected[i][2]
       OR (v_row.kind = 'P' AND (v_row.first_name IS NULL OR v_row.last_name IS NULL
                                 OR v_row.citizenship IS NULL OR v_row.citizenship = 'XX'))
       OR (v_row.kind = 'O' AND (v_row.legal_name IS NULL OR v_row.registration_country IS NULL))
    THEN
      RAISE EXCEPTION 'change_customers: % is not the valid % the script expects',
        v_expected[i][1], CASE v_expected[i][2] WHEN 'P' THEN 'person' ELSE 'organisation' END;
    END IF;
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM core.address a JOIN core.customer c ON c.id = a.customer_id
                  WHERE c.customer_no = 'C0000013' AND a.address_type = 'OFFICE')
     OR (SELECT count(*) FROM core.address a JOIN core.customer c ON c.id = a.customer_id
          WHERE c.customer_no IN ('C0000019', 'C0000023') AND a.address_type = 'HOME') <> 2 THEN
    RAISE EXCEPTION 'change_customers: the addresses to change are not there';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM core.related_party r JOIN core.customer c ON c.id = r.customer_id
                  WHERE c.customer_no = 'C0000013' AND r.role = 'DIR') THEN
    RAISE EXCEPTION 'change_customers: C0000013 has no director to replace';
  END IF;
  -- The customer to close must be active; already closed means this script ran before.
  IF (SELECT status FROM core.customer WHERE customer_no = 'C0000031') NOT IN ('A', 'C') THEN
    RAISE EXCEPTION 'change_customers: C0000031 is neither active nor closed by an earlier run';
  END IF;
END
$$;

-- Names
UPDATE core.customer
   SET legal_name = 'SIA "Wisła Pharma Baltic"', trading_name = 'WISŁA PHARMA'
 WHERE customer_no = 'C0000011';

UPDATE core.customer
   SET last_name = 'Petrauskienė'
 WHERE customer_no = 'C0000017';

-- Addresses (the triggers bump the customers' updated_at)
UPDATE core.address a
   SET line1 = 'Konstitucijos pr. 21', city = 'Vilnius', postcode = 'LT-08105', country = 'LT'
  FROM core.customer c
 WHERE c.id = a.customer_id AND c.customer_no = 'C0000013' AND a.address_type = 'OFFICE';

UPDATE core.address a
   SET line1 = 'Brīvības iela 101-7', city = 'Rīga', postcode = 'LV-1001', country = 'LV'
  FROM core.customer c
 WHERE c.id = a.customer_id AND c.customer_no = 'C0000019' AND a.address_type = 'HOME';

UPDATE core.address a
   SET line1 = 'Žalgirio g. 90-15', city = 'Vilnius', postcode = 'LT-09303', country = 'LT'
  FROM core.customer c
 WHERE c.id = a.customer_id AND c.customer_no = 'C0000023' AND a.address_type = 'HOME';

-- Related parties (the triggers bump the customer's updated_at): C0000013's director leaves, a
-- new one comes; the party number of the new one is outside the generator's range (RP00...).
UPDATE core.related_party r
   SET ended_on = current_date
  FROM core.customer c
 WHERE c.id = r.customer_id AND c.customer_no = 'C0000013' AND r.role = 'DIR'
   AND r.ended_on IS NULL AND r.party_no <> 'RP9000000013';

INSERT INTO core.related_party (
  customer_id, party_no, party_kind, role, role_note, first_name, last_name, birth_date,
  birth_country, citizenship, national_id, email, mobile, doc_type, doc_number, doc_issued_on,
  doc_expires_on, doc_issuing_country, doc_issuing_authority, started_on)
SELECT c.id, 'RP9000000013', 'P', 'DIR', 'Chief executive officer', 'Gintarė', 'Balčiūnienė',
       date '1984-05-17', 'LT', 'LT', '48405170123', 'gintare.balciuniene@polarpharma.lt',
       '+37061234567', 'IDC', '38814227', date '2024-02-01', date '2034-02-01', 'LT',
       'Migracijos departamentas', current_date
  FROM core.customer c
 WHERE c.customer_no = 'C0000013'
   AND NOT EXISTS (SELECT 1 FROM core.related_party r
                    WHERE r.customer_id = c.id AND r.party_no = 'RP9000000013');

-- Closure
UPDATE core.customer
   SET status = 'C', closed_on = current_date
 WHERE customer_no = 'C0000031' AND status = 'A';

COMMIT;
