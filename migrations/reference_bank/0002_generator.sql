-- 0002_generator.sql: deterministic synthetic customers for the reference core-banking schema.
--
--   SELECT core.generate_customers(p_count, p_first DEFAULT 1, p_invalid_every DEFAULT 0);
--
-- Inserts customers number p_first .. p_first + p_count - 1 (customer_no 'C' || lpad(n, 7, '0'))
-- with their addresses, contacts and identity documents, and returns the number of customers
-- inserted. Set-based: one INSERT ... SELECT per table over generate_series, no loops, so a million
-- customers take minutes, not hours.
--
-- 0003_kyc_lists.sql renames the function below to core.generate_base_customers and defines
-- core.generate_customers anew with the same arguments: it calls this one, then adds related
-- parties, the KYC questionnaire, tax residences, products and attributes of the same customers.
--
-- Deterministic: there is no random(). Every value is a hash of the customer number n and a salt
-- (core.gen_pick), so customer n is the same on every machine and in every run, and generating
-- 1..500 then 501..1000 gives exactly what 1..1000 gives. Dates are computed from fixed dates, not
-- from current_date. Numbers already present make the call fail (customer_no is unique).
--
-- What comes out: about 80% persons and 20% organisations; citizenship / registration mostly LT,
-- then LV, EE, PL, DE, FI and a few UA, SE, GB, US, FR, NO; names, streets and authorities in the
-- country's language (so UTF-8 is exercised: Žukauskas, Bērziņš, Wiśniewska, O'Brien); status
-- mostly A, some N, S, R and about 3% C with closed_on (and ~1% of active customers reopened after
-- a closure, keeping the old closed_on); 1-2 addresses, 1-3 contacts, 0-2 identity documents
-- (about 7% have none).
--
-- Defects (p_invalid_every > 0): customer n with n % p_invalid_every = 0 gets exactly one defect
-- that the ETL must hold back, rotating with k = n / p_invalid_every:
--   k % 4 = 1  person with NULL citizenship             (AMLYZE: citizenshipCountry required)
--   k % 4 = 2  person with NULL last_name               (lastName required)
--   k % 4 = 3  organisation with NULL registration_country (registrationCountry required)
--   k % 4 = 0  person with citizenship 'XX'             (not a country: C016.I06)
-- e.g. with 50: C0000050 no citizenship, C0000100 no last name, C0000150 organisation without
-- registration country, C0000200 citizenship XX, C0000250 no citizenship again, ...
-- The defect decides the kind (person or organisation); everything else about that customer is as
-- valid as for any other customer.

-- ---------------------------------------------------------------------------------------------
-- Helpers. Plain immutable SQL functions, so the planner inlines them into the INSERTs.
-- ---------------------------------------------------------------------------------------------

-- A deterministic pseudo-random integer in [0, p_mod) for customer (or slot) p_n and salt p_salt.
-- Salts used below: 1 country, 2 kind, 3 sex, 4 first name, 5 last name, 6 status, 7 risk,
-- 8 application date, 9 approval delay, 10 closing, 11 birth date, 12 birth country, 13 PEP,
-- 14 segment, 15 id number, 16 company words, 17 legal form, 18 trading name, 19 registration no,
-- 20 establishment, 21 second address, 22 city, 23 street, 24 house, 25 postcode, 26 contacts,
-- 27 mobile, 28 e-mail, 29 documents, 30 document type, 31 document number, 32 issue date,
-- 33 fixed phone.
CREATE FUNCTION core.gen_pick(p_n bigint, p_salt integer, p_mod integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((hashint8extended(p_n, p_salt) & 9223372036854775807) % p_mod)::integer;

-- One element of p_values, chosen by gen_pick.
CREATE FUNCTION core.gen_choose(p_values text[], p_n bigint, p_salt integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN p_values[1 + core.gen_pick(p_n, p_salt, cardinality(p_values))];

-- p_len pseudo-random digits (p_len <= 18).
CREATE FUNCTION core.gen_digits(p_n bigint, p_salt integer, p_len integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN lpad(((hashint8extended(p_n, p_salt) & 9223372036854775807)
             % (10::bigint ^ p_len)::bigint)::text, p_len, '0');

-- Lower-case ASCII for e-mail addresses and web sites ('Žukauskienė' -> 'zukauskiene').
-- Accented capitals are mapped first, so the result does not depend on the collation's lower().
CREATE FUNCTION core.gen_ascii(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN regexp_replace(
  lower(translate(p_text,
    'ĄČĘĖĮŠŲŪŽĀĒĪĢĶĻŅŌŖÕÄÖÜŁŃÓŚŹŻĆÅØÆÉÈÊËÇÎÏÔÛÀÂąčęėįšųūžāēīģķļņōŗõäöüłńóśźżćßåøæéèêëçîïôûàâ',
    'ACEEISUUZAEIGKLNOROAOULNOSZZCAOAEEEECIIOUAAaceeisuuzaeigklnoroaoulnoszzcsaoaeeeeciiouaa')),
  '[^a-z0-9]+', '', 'g');

-- A company's name without its legal form, e.g. 'Amber Logistics' or 'Nordic Foods Group'.
CREATE FUNCTION core.gen_company_base(p_n bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN concat_ws(' ',
  core.gen_choose('{Baltic,Nordic,Amber,Green,North,Delta,Aurora,Hansa,Sigma,Orion,Vista,Terra,'
                  'Neris,Daugava,Polar,Linden,Falcon,Granite,Emajõgi,Wisła}', p_n, 16),
  core.gen_choose('{Timber,Logistics,Foods,Systems,Trade,Capital,Energy,Textiles,Motors,Consulting,'
                  'Pharma,Dairy,Build,Media,Solutions,Agro,Metal,Software,Shipping,Retail}',
                  p_n * 7 + 1, 16),
  nullif(core.gen_choose('{"",Group,Partners,"",International,""}', p_n * 7 + 2, 16), ''));

-- Everything the generator knows about a country. p_from..p_to is the country's share of persons'
-- citizenships (slots of 0..99, by gen_pick(n, 1, 100)); o_from..o_to the same for organisations'
-- registration countries; NULL means none. Legal forms repeat to weight them.
CREATE FUNCTION core.gen_country_profile()
RETURNS TABLE (country text, p_from int, p_to int, o_from int, o_to int, eu boolean,
               first_m text[], first_f text[], last_m text[], last_f text[],
               cities text[], streets text[], mobile_prefix text, mobile_digits int,
               fixed_prefix text, fixed_digits int, mail_domains text[], web_tld text,
               id_authority text, registry text, legal_forms text[])
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
VALUES
('LT', 0, 41, 0, 49, true,
 '{Jonas,Tomas,Mantas,Lukas,Paulius,Darius,Andrius,Mindaugas,Vytautas,Kęstutis,Žygimantas,'
  'Gintaras}'::text[],
 '{Ona,Rūta,Eglė,Greta,Indrė,Justina,Aistė,Gabija,Ieva,Laura,Dalia,Živilė}'::text[],
 '{Kazlauskas,Petrauskas,Jankauskas,Stankevičius,Vasiliauskas,Žukauskas,Butkus,Paulauskas,'
  'Urbonas,Kavaliauskas,Navickas,Ramanauskas}'::text[],
 '{Kazlauskienė,Petrauskaitė,Jankauskienė,Stankevičienė,Vasiliauskaitė,Žukauskienė,Butkutė,'
  'Paulauskienė,Urbonaitė,Kavaliauskienė,Navickaitė,Ramanauskienė}'::text[],
 '{Vilnius,Vilnius,Vilnius,Kaunas,Kaunas,Klaipėda,Šiauliai,Panevėžys,Alytus}'::text[],
 '{"Gedimino pr.","Konstitucijos pr.","Savanorių pr.","Laisvės al.","Vilniaus g.","Žalgirio g.",'
  '"Ukmergės g.","Taikos pr."}'::text[],
 '+3706', 7, '+3705', 7, '{gmail.com,inbox.lt,one.lt,yahoo.com}'::text[], 'lt',
 'Migracijos departamentas', 'VĮ Registrų centras', '{UAB,UAB,UAB,UAB,UAB,AB,COOP,SOLE}'::text[]),
('LV', 42, 55, 50, 61, true,
 '{Jānis,Andris,Mārtiņš,Edgars,Kārlis,Māris,Roberts,Artūrs,Raivis,Gints}',
 '{Anna,Līga,Ilze,Kristīne,Inese,Laura,Dace,Marta,Zane,Elīna}',
 '{Bērziņš,Kalniņš,Ozoliņš,Jansons,Liepiņš,Krūmiņš,Balodis,Eglītis,Zariņš,Pētersons}',
 '{Bērziņa,Kalniņa,Ozoliņa,Jansone,Liepiņa,Krūmiņa,Balode,Eglīte,Zariņa,Pētersone}',
 '{Rīga,Rīga,Rīga,Daugavpils,Liepāja,Jelgava,Jūrmala}',
 '{"Brīvības iela","Elizabetes iela","Krišjāņa Barona iela","Tērbatas iela","Lāčplēša iela",'
  '"Maskavas iela"}',
 '+3712', 7, '+3716', 7, '{gmail.com,inbox.lv,apollo.lv}', 'lv',
 'Pilsonības un migrācijas lietu pārvalde', 'Uzņēmumu reģistrs', '{SIA,SIA,SIA,SIA,AS}'),
('EE', 56, 65, 62, 71, true,
 '{Martin,Rasmus,Andres,Jaan,Toomas,Mart,Kristjan,Siim,Priit,Tõnu}',
 '{Kärt,Liis,Kadri,Triin,Maarja,Piret,Anu,Mari,Helen,Kristi}',
 '{Tamm,Saar,Sepp,Mägi,Kask,Kukk,Rebane,Ilves,Pärn,Koppel,Lepik,Kõiv}',
 '{Tamm,Saar,Sepp,Mägi,Kask,Kukk,Rebane,Ilves,Pärn,Koppel,Lepik,Kõiv}',
 '{Tallinn,Tallinn,Tallinn,Tartu,Pärnu,Narva}',
 '{"Narva mnt","Pärnu mnt","Tartu mnt","Viru väljak","Pikk tn","Rüütli tn"}',
 '+3725', 7, '+3726', 6, '{gmail.com,mail.ee,hot.ee}', 'ee',
 'Politsei- ja Piirivalveamet', 'Registrite ja Infosüsteemide Keskus', '{OU,OU,OU,AS}'),
('PL', 66, 75, 72, 79, true,
 '{Piotr,Krzysztof,Andrzej,Tomasz,Paweł,Michał,Marcin,Łukasz,Jakub,Grzegorz}',
 '{Anna,Katarzyna,Małgorzata,Agnieszka,Barbara,Ewa,Magdalena,Joanna,Żaneta,Zofia}',
 '{Nowak,Kowalski,Wiśniewski,Wójcik,Kowalczyk,Kamiński,Lewandowski,Zieliński,Szymański,Woźniak}',
 '{Nowak,Kowalska,Wiśniewska,Wójcik,Kowalczyk,Kamińska,Lewandowska,Zielińska,Szymańska,Woźniak}',
 '{Warszawa,Warszawa,Kraków,Gdańsk,Wrocław,Poznań,Łódź}',
 '{"ul. Marszałkowska","ul. Piotrkowska","ul. Długa","ul. Floriańska","al. Jerozolimskie",'
  '"ul. Świętojańska"}',
 '+485', 8, '+4822', 7, '{gmail.com,wp.pl,onet.pl,o2.pl}', 'pl',
 'Wojewoda Mazowiecki', 'Krajowy Rejestr Sądowy', '{SPZOO,SPZOO,SPZOO,SA}'),
('DE', 76, 82, 80, 86, true,
 '{Lukas,Jonas,Maximilian,Felix,Stefan,Michael,Thomas,Andreas,Jürgen,Klaus}',
 '{Anna,Sophie,Marie,Lena,Katrin,Sabine,Ursula,Jana,Laura,Julia}',
 '{Müller,Schmidt,Schneider,Fischer,Weber,Meyer,Wagner,Becker,Schäfer,Koch,Groß,Hoffmann}',
 '{Müller,Schmidt,Schneider,Fischer,Weber,Meyer,Wagner,Becker,Schäfer,Koch,Groß,Hoffmann}',
 '{Berlin,München,Hamburg,Leipzig,Dresden,Köln}',
 '{Hauptstraße,Bahnhofstraße,Schillerstraße,Goethestraße,Friedrichstraße,Gartenweg}',
 '+4915', 9, '+4930', 8, '{gmail.com,web.de,gmx.de,t-online.de}', 'de',
 'Bürgeramt', 'Amtsgericht Charlottenburg', '{GMBH,GMBH,GMBH,AG}'),
('FI', 83, 89, 87, 93, true,
 '{Mikko,Juha,Timo,Matti,Antti,Jukka,Ville,Sami,Janne,Eero}',
 '{Anna,Aino,Helmi,Laura,Sanna,Päivi,Tiina,Minna,Johanna,Kaisa}',
 '{Korhonen,Virtanen,Mäkinen,Nieminen,Mäkelä,Hämäläinen,Laine,Heikkinen,Koskinen,Järvinen}',
 '{Korhonen,Virtanen,Mäkinen,Nieminen,Mäkelä,Hämäläinen,Laine,Heikkinen,Koskinen,Järvinen}',
 '{Helsinki,Helsinki,Espoo,Tampere,Turku,Oulu}',
 '{Mannerheimintie,Aleksanterinkatu,Hämeenkatu,Kauppakatu,Esplanadi,"Itäinen Pitkäkatu"}',
 '+35840', 7, '+3589', 7, '{gmail.com,luukku.com,outlook.com}', 'fi',
 'Poliisi', 'Patentti- ja rekisterihallitus', '{OY,OY,OY,OYJ}'),
('UA', 90, 92, NULL, NULL, false,
 '{Oleksandr,Andrii,Serhii,Dmytro,Volodymyr,Mykola,Yurii,Taras}',
 '{Olena,Iryna,Nataliia,Tetiana,Oksana,Kateryna,Yuliia,Svitlana}',
 '{Shevchenko,Kovalenko,Bondarenko,Tkachenko,Kravchenko,Melnyk,Boiko,Koval}',
 '{Shevchenko,Kovalenko,Bondarenko,Tkachenko,Kravchenko,Melnyk,Boiko,Koval}',
 '{Kyiv,Lviv,Odesa,Kharkiv}',
 '{"vul. Khreshchatyk","vul. Shevchenka","vul. Ivana Franka","prosp. Peremohy"}',
 '+38067', 7, '+38044', 7, '{gmail.com,ukr.net,outlook.com}', 'ua',
 'State Migration Service of Ukraine', 'Unified State Register', '{LTD}'),
('SE', 93, 94, 94, 95, true,
 '{Erik,Lars,Anders,Johan,Karl,Nils}', '{Anna,Eva,Maria,Karin,Sara,Ingrid}',
 '{Andersson,Johansson,Karlsson,Nilsson,Eriksson,Larsson,Öberg,Åström}',
 '{Andersson,Johansson,Karlsson,Nilsson,Eriksson,Larsson,Öberg,Åström}',
 '{Stockholm,Göteborg,Malmö}', '{Drottninggatan,Storgatan,Kungsgatan,Sveavägen}',
 '+4670', 7, '+468', 7, '{gmail.com,outlook.com,telia.com}', 'se',
 'Polismyndigheten', 'Bolagsverket', '{LTD,LTD,PLC}'),
('GB', 95, 96, 96, 97, false,
 '{James,Oliver,Harry,George,William,Thomas}', '{Olivia,Emily,Charlotte,Sophie,Amelia,Grace}',
 '{Smith,Jones,Taylor,Brown,Williams,Wilson,O''Brien,Davies}',
 '{Smith,Jones,Taylor,Brown,Williams,Wilson,O''Brien,Davies}',
 '{London,London,Manchester,Edinburgh}', '{"High Street","Station Road","Church Lane",'
  '"King''s Road"}',
 '+447', 9, '+4420', 8, '{gmail.com,outlook.com,btinternet.com}', 'co.uk',
 'HM Passport Office', 'Companies House', '{LTD,LTD,PLC}'),
('US', 97, 97, 98, 98, false,
 '{Michael,John,Robert,David,Daniel,Christopher}', '{Jennifer,Jessica,Ashley,Emily,Sarah,Megan}',
 '{Johnson,Miller,Davis,Garcia,Rodriguez,Martinez,Anderson,Thompson}',
 '{Johnson,Miller,Davis,Garcia,Rodriguez,Martinez,Anderson,Thompson}',
 '{"New York",Chicago,Boston}', '{"Main Street",Broadway,"Park Avenue","Elm Street"}',
 '+1212', 7, '+1312', 7, '{gmail.com,outlook.com,yahoo.com}', 'com',
 'U.S. Department of State', 'Delaware Division of Corporations', '{LTD,LTD,PLC}'),
('FR', 98, 98, NULL, NULL, true,
 '{Jean,Pierre,Louis,Nicolas,François,Étienne}', '{Marie,Camille,Léa,Chloé,Manon,Inès}',
 '{Martin,Bernard,Dubois,Lefèvre,Moreau,Laurent,Girard,Rousseau}',
 '{Martin,Bernard,Dubois,Lefèvre,Moreau,Laurent,Girard,Rousseau}',
 '{Paris,Paris,Lyon,Marseille}',
 '{"rue de Rivoli","avenue des Champs-Élysées","rue de la République","boulevard Haussmann"}',
 '+336', 8, '+331', 8, '{gmail.com,orange.fr,free.fr}', 'fr',
 'Préfecture de Police', 'Registre du commerce et des sociétés', '{LTD}'),
('NO', 99, 99, 99, 99, true,
 '{Ole,Lars,Magnus,Henrik,Sindre,Øyvind}', '{Ingrid,Kari,Nora,Emma,Solveig,Ragnhild}',
 '{Hansen,Johansen,Olsen,Larsen,Andersen,Pedersen,Nilsen,Bakke}',
 '{Hansen,Johansen,Olsen,Larsen,Andersen,Pedersen,Nilsen,Bakke}',
 '{Oslo,Bergen,Trondheim}', '{"Karl Johans gate",Storgata,Kirkegata,Bryggen}',
 '+474', 7, '+472', 7, '{gmail.com,online.no,outlook.com}', 'no',
 'Politiet', 'Brønnøysundregistrene', '{LTD,LTD,PLC}');
END;

-- The profile once per (kind, slot), so the INSERTs find a customer's country with an equality
-- (hash) join on (kind, gen_pick(n, 1, 100)) instead of testing ranges row by row.
CREATE FUNCTION core.gen_country_slot()
RETURNS TABLE (kind char(1), slot int, country text, eu boolean,
               first_m text[], first_f text[], last_m text[], last_f text[],
               cities text[], streets text[], mobile_prefix text, mobile_digits int,
               fixed_prefix text, fixed_digits int, mail_domains text[], web_tld text,
               id_authority text, registry text, legal_forms text[])
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
SELECT k.kind, k.slot, g.country, g.eu, g.first_m, g.first_f, g.last_m, g.last_f, g.cities,
       g.streets, g.mobile_prefix, g.mobile_digits, g.fixed_prefix, g.fixed_digits,
       g.mail_domains, g.web_tld, g.id_authority, g.registry, g.legal_forms
  FROM core.gen_country_profile() g
 CROSS JOIN LATERAL (
   SELECT 'P'::char(1), x FROM generate_series(g.p_from, g.p_to) x
   UNION ALL
   SELECT 'O'::char(1), x FROM generate_series(g.o_from, g.o_to) x) AS k(kind, slot);
END;

-- ---------------------------------------------------------------------------------------------
-- The generator
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION core.generate_customers(p_count integer, p_first integer DEFAULT 1,
                                        p_invalid_every integer DEFAULT 0)
RETURNS integer
LANGUAGE plpgsql
-- The customers are new in this very transaction: bumping them again for every child row would
-- only rewrite them (see core.touch_customer). Restored when the function returns.
SET core.suppress_customer_touch = 'on'
AS $$
DECLARE
  v_last     integer;
  v_first_no text;
  v_last_no  text;
  v_inserted integer;
BEGIN
  IF p_count IS NULL OR p_count < 0 OR p_first IS NULL OR p_first < 1
     OR p_invalid_every IS NULL OR p_invalid_every < 0 THEN
    RAISE EXCEPTION 'generate_customers: need p_count >= 0, p_first >= 1, p_invalid_every >= 0';
  END IF;
  IF p_count = 0 THEN
    RETURN 0;
  END IF;
  v_last := p_first + p_count - 1;
  IF v_last > 9999999 THEN
    RAISE EXCEPTION 'generate_customers: customer number % does not fit in C + 7 digits', v_last;
  END IF;
  v_first_no := 'C' || lpad(p_first::text, 7, '0');
  v_last_no := 'C' || lpad(v_last::text, 7, '0');
  IF EXISTS (SELECT 1 FROM core.customer WHERE customer_no BETWEEN v_first_no AND v_last_no) THEN
    RAISE EXCEPTION 'generate_customers: customers between % and % exist already',
      v_first_no, v_last_no;
  END IF;

  -- Customers ----------------------------------------------------------------------------------
  WITH seq AS (
    SELECT s.n,
           CASE WHEN p_invalid_every > 0 AND s.n % p_invalid_every = 0
                THEN (s.n / p_invalid_every) % 4 END AS defect,  -- 1 citizenship, 2 last name,
                                                                   -- 3 org country, 0 'XX'
           core.gen_pick(s.n, 6, 100) AS status_pick
      FROM generate_series(p_first::bigint, v_last::bigint) AS s(n)
  ), base AS (
    SELECT q.n, q.defect, q.status_pick,
           CASE WHEN q.defect = 3 THEN 'O'
                WHEN q.defect IS NOT NULL THEN 'P'
                WHEN core.gen_pick(q.n, 2, 5) = 0 THEN 'O'
                ELSE 'P' END::char(1) AS kind,
           date '2005-01-01' + core.gen_pick(q.n, 8, 7305) AS application_date
      FROM seq q
  ), dated AS MATERIALIZED (  -- computed once per customer, not once per use below
    SELECT b.*,
           CASE WHEN b.status_pick < 3 THEN 'C' WHEN b.status_pick < 5 THEN 'R'
                WHEN b.status_pick < 9 THEN 'S' WHEN b.status_pick < 15 THEN 'N'
                ELSE 'A' END AS status,
           CASE WHEN b.status_pick >= 15 OR b.status_pick < 3 OR b.status_pick BETWEEN 5 AND 8
                THEN b.application_date + core.gen_pick(b.n, 9, 15) END AS approved_on,
           b.application_date - (18 * 365 + 5 + core.gen_pick(b.n, 11, 62 * 365)) AS birth_date,
           core.gen_pick(b.n, 3, 2) = 1 AS female
      FROM base b
  )
  INSERT INTO core.customer (
    customer_no, kind, first_name, last_name, birth_date, birth_country, citizenship, national_id,
    legal_name, trading_name, registration_no, registration_country, legal_form, established_on,
    status, closed_on, risk_rating, segment, application_date, approved_on, pep_flag)
  SELECT
    'C' || lpad(d.n::text, 7, '0'),
    d.kind,
    -- person
    CASE WHEN d.kind = 'P' THEN
      core.gen_choose(CASE WHEN d.female THEN g.first_f ELSE g.first_m END, d.n, 4) END,
    CASE WHEN d.kind = 'P' AND d.defect IS DISTINCT FROM 2 THEN
      core.gen_choose(CASE WHEN d.female THEN g.last_f ELSE g.last_m END, d.n, 5) END,
    CASE WHEN d.kind = 'P' THEN d.birth_date END,
    CASE WHEN d.kind = 'P' THEN
      CASE WHEN core.gen_pick(d.n, 12, 100) < 92 THEN g.country
           ELSE core.gen_choose('{LT,LV,EE,PL,DE,UA,BY,RU,KZ}', d.n, 12) END END,
    CASE WHEN d.kind = 'P' THEN
      CASE d.defect WHEN 1 THEN NULL WHEN 0 THEN 'XX' ELSE g.country END END,
    CASE WHEN d.kind = 'P' THEN
      CASE g.country
        -- LT, EE: century-and-sex digit, YYMMDD, 4 digits
        WHEN 'LT' THEN (CASE WHEN d.birth_date >= date '2000-01-01' THEN 5 ELSE 3 END
                        + d.female::int)::text
                       || to_char(d.birth_date, 'YYMMDD') || core.gen_digits(d.n, 15, 4)
        WHEN 'EE' THEN (CASE WHEN d.birth_date >= date '2000-01-01' THEN 5 ELSE 3 END
                        + d.female::int)::text
                       || to_char(d.birth_date, 'YYMMDD') || core.gen_digits(d.n, 15, 4)
        WHEN 'LV' THEN to_char(d.birth_date, 'DDMMYY') || '-' || core.gen_digits(d.n, 15, 5)
        WHEN 'PL' THEN to_char(d.birth_date, 'YY')
                       || lpad((extract(month FROM d.birth_date)::int
                                + CASE WHEN d.birth_date >= date '2000-01-01' THEN 20 ELSE 0 END
                               )::text, 2, '0')
                       || to_char(d.birth_date, 'DD') || core.gen_digits(d.n, 15, 5)
        WHEN 'FI' THEN to_char(d.birth_date, 'DDMMYY')
                       || CASE WHEN d.birth_date >= date '2000-01-01' THEN 'A' ELSE '-' END
                       || core.gen_digits(d.n, 15, 3)
                       || substr('0123456789ABCDEFHJKLMNPRSTUVWXY',
                                 1 + core.gen_pick(d.n, 15, 31), 1)
        WHEN 'SE' THEN to_char(d.birth_date, 'YYMMDD') || '-' || core.gen_digits(d.n, 15, 4)
        WHEN 'NO' THEN to_char(d.birth_date, 'DDMMYY') || core.gen_digits(d.n, 15, 5)
      END END,   -- DE, GB, US, FR, UA: no personal code on file
    -- organisation
    CASE WHEN d.kind = 'O' THEN
      CASE o.legal_form
        WHEN 'UAB' THEN 'UAB „' || o.base_name || '“'
        WHEN 'AB' THEN 'AB „' || o.base_name || '“'
        WHEN 'COOP' THEN 'Kooperatinė bendrovė „' || o.base_name || '“'
        WHEN 'SOLE' THEN 'IĮ „' || o.base_name || '“'
        WHEN 'SIA' THEN 'SIA "' || o.base_name || '"'
        WHEN 'AS' THEN CASE WHEN g.country = 'LV' THEN 'AS "' || o.base_name || '"'
                            ELSE o.base_name || ' AS' END
        WHEN 'OU' THEN o.base_name || ' OÜ'
        WHEN 'SPZOO' THEN o.base_name || ' Sp. z o.o.'
        WHEN 'SA' THEN o.base_name || ' S.A.'
        WHEN 'GMBH' THEN o.base_name || ' GmbH'
        WHEN 'AG' THEN o.base_name || ' AG'
        WHEN 'OY' THEN o.base_name || ' Oy'
        WHEN 'OYJ' THEN o.base_name || ' Oyj'
        WHEN 'PLC' THEN o.base_name || ' plc'
        ELSE o.base_name || ' Ltd'
      END END,
    CASE WHEN d.kind = 'O' AND core.gen_pick(d.n, 18, 100) < 35 THEN upper(o.base_name) END,
    CASE WHEN d.kind = 'O' THEN
      CASE g.country
        WHEN 'LT' THEN '30' || core.gen_digits(d.n, 19, 7)
        WHEN 'LV' THEN '4000' || core.gen_digits(d.n, 19, 7)
        WHEN 'EE' THEN '1' || core.gen_digits(d.n, 19, 7)
        WHEN 'PL' THEN core.gen_digits(d.n, 19, 10)
        WHEN 'DE' THEN 'HRB ' || (1000 + core.gen_pick(d.n, 19, 250000))
        WHEN 'FI' THEN core.gen_digits(d.n, 19, 7) || '-' || core.gen_digits(d.n, 20, 1)
        WHEN 'SE' THEN '556' || core.gen_digits(d.n, 19, 3) || '-' || core.gen_digits(d.n, 20, 4)
        WHEN 'US' THEN core.gen_digits(d.n, 19, 2) || '-' || core.gen_digits(d.n, 20, 7)
        WHEN 'NO' THEN '9' || core.gen_digits(d.n, 19, 8)
        ELSE core.gen_digits(d.n, 19, 8)
      END END,
    CASE WHEN d.kind = 'O' AND d.defect IS DISTINCT FROM 3 THEN g.country END,
    o.legal_form,
    CASE WHEN d.kind = 'O' THEN
      greatest(d.application_date - core.gen_pick(d.n, 20, 7300), date '1990-03-11') END,
    -- relationship
    d.status,
    -- closed (or, for 1% of the active ones, reopened) between approval + 30 days and 2025-06-30
    CASE WHEN d.status = 'C' OR (d.status = 'A' AND core.gen_pick(d.n, 10, 100) = 0) THEN
      d.approved_on + 30 + core.gen_pick(d.n * 4, 10, date '2025-06-30' - d.approved_on - 30)
    END,
    CASE WHEN core.gen_pick(d.n, 7, 100) < 5 THEN '0' WHEN core.gen_pick(d.n, 7, 100) < 60 THEN '1'
         WHEN core.gen_pick(d.n, 7, 100) < 88 THEN '2' WHEN core.gen_pick(d.n, 7, 100) < 98 THEN '3'
         ELSE '4' END,
    CASE WHEN d.kind = 'P' THEN
           CASE WHEN core.gen_pick(d.n, 14, 100) < 8 THEN 'PRIVATE' ELSE 'RETAIL' END
         ELSE CASE WHEN core.gen_pick(d.n, 14, 100) < 15 THEN 'CORP' ELSE 'SME' END END,
    d.application_date,
    d.approved_on,
    core.gen_pick(d.n, 13, 1000) < CASE WHEN d.kind = 'P' THEN 15 ELSE 30 END
  FROM dated d
  JOIN core.gen_country_slot() g ON g.kind = d.kind AND g.slot = core.gen_pick(d.n, 1, 100)
  CROSS JOIN LATERAL (
    SELECT CASE WHEN d.kind = 'O' THEN core.gen_choose(g.legal_forms, d.n, 17) END AS legal_form,
           CASE WHEN d.kind = 'O' THEN core.gen_company_base(d.n) END AS base_name
  ) o;
  GET DIAGNOSTICS v_inserted = ROW_COUNT;

  -- Addresses: persons HOME (+ POST for 30%), organisations REG (+ OFFICE for 40%). Mail goes to
  -- the second address when there is one (is_primary). --------------------------------------------
  INSERT INTO core.address (customer_id, address_type, line1, city, postcode, country, is_primary)
  SELECT c.id,
         CASE WHEN c.kind = 'P' THEN (ARRAY['HOME', 'POST'])[k.k]
              ELSE (ARRAY['REG', 'OFFICE'])[k.k] END,
         CASE WHEN g.country IN ('GB', 'US', 'FR')
              THEN h.house || ' ' || core.gen_choose(g.streets, h.m, 23)
              ELSE core.gen_choose(g.streets, h.m, 23) || ' ' || h.house END,
         core.gen_choose(g.cities, h.m, 22),
         CASE g.country
           WHEN 'LT' THEN 'LT-' || core.gen_digits(h.m, 25, 5)
           WHEN 'LV' THEN 'LV-' || (1001 + core.gen_pick(h.m, 25, 4800))
           WHEN 'EE' THEN (10001 + core.gen_pick(h.m, 25, 89999))::text
           WHEN 'PL' THEN core.gen_digits(h.m, 25, 2) || '-' || core.gen_digits(h.m, 24, 3)
           WHEN 'SE' THEN (100 + core.gen_pick(h.m, 25, 880)) || ' ' || core.gen_digits(h.m, 24, 2)
           WHEN 'GB' THEN core.gen_choose('{SW1A,EC1A,W1K,M1,EH1}', h.m, 25) || ' '
                          || (1 + core.gen_pick(h.m, 24, 9))
                          || core.gen_choose('{AA,AB,BD,DX,HJ,NP}', h.m, 24)
           WHEN 'NO' THEN core.gen_digits(h.m, 25, 4)
           ELSE core.gen_digits(h.m, 25, 5)  -- DE, FI, US, FR, UA: five digits, leading zeros
         END,
         g.country,
         k.k = k.cnt
    FROM core.customer c
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    JOIN core.gen_country_slot() g ON g.kind = c.kind AND g.slot = core.gen_pick(s.n, 1, 100)
    CROSS JOIN LATERAL (
      SELECT 1 + (core.gen_pick(s.n, 21, 100) < CASE WHEN c.kind = 'P' THEN 30 ELSE 40 END)::int
             AS cnt) kc
    CROSS JOIN LATERAL (SELECT x AS k, kc.cnt FROM generate_series(1, kc.cnt) AS x) k
    CROSS JOIN LATERAL (
      SELECT s.n * 4 + k.k AS m,
             (1 + core.gen_pick(s.n * 4 + k.k, 24, 120))::text
             || CASE WHEN c.kind = 'P' AND core.gen_pick(s.n * 4 + k.k, 24, 3) > 0
                     THEN '-' || (1 + core.gen_pick(s.n * 4 + k.k, 25, 90)) ELSE '' END AS house
    ) h
   WHERE c.customer_no BETWEEN v_first_no AND v_last_no;

  -- Contacts: persons MOBILE, EMAIL, PHONE; organisations PHONE, EMAIL, WEB; the first of 1-3 is
  -- the preferred one. ---------------------------------------------------------------------------
  INSERT INTO core.contact (customer_id, channel, value, preferred)
  SELECT c.id, ch.channel,
         CASE ch.channel
           WHEN 'MOBILE' THEN g.mobile_prefix || core.gen_digits(s.n, 27, g.mobile_digits)
           WHEN 'PHONE' THEN g.fixed_prefix || core.gen_digits(s.n, 33, g.fixed_digits)
           WHEN 'EMAIL' THEN
             CASE WHEN c.kind = 'P'
                  THEN concat_ws('.', core.gen_ascii(c.first_name), core.gen_ascii(c.last_name))
                       || CASE WHEN core.gen_pick(s.n, 28, 2) = 0
                               THEN core.gen_digits(s.n, 28, 2) ELSE '' END
                       || '@' || core.gen_choose(g.mail_domains, s.n, 28)
                  ELSE core.gen_choose('{info,office,hello,accounts}', s.n, 28) || '@'
                       || core.gen_ascii(core.gen_company_base(s.n)) || '.' || g.web_tld END
           ELSE 'https://www.' || core.gen_ascii(core.gen_company_base(s.n)) || '.' || g.web_tld
         END,
         k = 1
    FROM core.customer c
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    JOIN core.gen_country_slot() g ON g.kind = c.kind AND g.slot = core.gen_pick(s.n, 1, 100)
    CROSS JOIN LATERAL generate_series(1, 1 + core.gen_pick(s.n, 26, 3)) AS k
    CROSS JOIN LATERAL (
      SELECT CASE WHEN c.kind = 'P' THEN (ARRAY['MOBILE', 'EMAIL', 'PHONE'])[k]
                  ELSE (ARRAY['PHONE', 'EMAIL', 'WEB'])[k] END AS channel) ch
   WHERE c.customer_no BETWEEN v_first_no AND v_last_no;

  -- Identity documents: 7% none, 88% one, 5% two. Persons: EU citizens an identity card,
  -- passport or driving licence, others a passport and/or a Lithuanian residence permit;
  -- organisations their registration certificate. ------------------------------------------------
  INSERT INTO core.identity_document (customer_id, doc_type, doc_number, issued_on, expires_on,
                                      issuing_country, issuing_authority)
  SELECT c.id, t.doc_type,
         CASE WHEN t.doc_type = 'REGC' THEN c.registration_no
              WHEN t.doc_type = 'RESP' THEN 'LT' || core.gen_digits(m.m, 31, 7)
              WHEN g.country IN ('LT', 'EE') THEN core.gen_digits(m.m, 31, 8)
              ELSE chr(65 + core.gen_pick(m.m, 31, 26)) || chr(65 + core.gen_pick(m.m, 30, 26))
                   || core.gen_digits(m.m, 31, 7) END,
         i.issued_on,
         CASE t.doc_type WHEN 'REGC' THEN NULL
                         WHEN 'RESP' THEN i.issued_on + interval '5 years'
                         WHEN 'DRVL' THEN i.issued_on + interval '15 years'
                         ELSE i.issued_on + interval '10 years' END,
         CASE WHEN t.doc_type = 'RESP' THEN 'LT' ELSE g.country END,
         CASE WHEN t.doc_type = 'REGC' THEN g.registry
              WHEN t.doc_type = 'RESP' THEN 'Migracijos departamentas'
              WHEN t.doc_type = 'DRVL' AND g.country = 'LT' THEN 'VĮ Regitra'
              ELSE g.id_authority END
    FROM core.customer c
    CROSS JOIN LATERAL (SELECT substr(c.customer_no, 2)::bigint AS n) s
    JOIN core.gen_country_slot() g ON g.kind = c.kind AND g.slot = core.gen_pick(s.n, 1, 100)
    CROSS JOIN LATERAL generate_series(1,
      CASE WHEN core.gen_pick(s.n, 29, 100) < 7 THEN 0
           WHEN core.gen_pick(s.n, 29, 100) < 95 OR c.kind = 'O' THEN 1
           ELSE 2 END) AS k
    CROSS JOIN LATERAL (SELECT s.n * 4 + k AS m, core.gen_pick(s.n, 30, 100) AS p) m
    CROSS JOIN LATERAL (
      SELECT CASE
               WHEN c.kind = 'O' THEN 'REGC'
               WHEN g.eu THEN CASE WHEN k = 2 THEN (CASE WHEN m.p < 55 THEN 'PASS' ELSE 'IDC' END)
                                   WHEN m.p < 55 THEN 'IDC' WHEN m.p < 90 THEN 'PASS'
                                   ELSE 'DRVL' END
               ELSE CASE WHEN (k = 1) = (m.p < 60) THEN 'PASS' ELSE 'RESP' END
             END AS doc_type) t
    CROSS JOIN LATERAL (
      SELECT CASE WHEN c.kind = 'O' THEN c.established_on
                  ELSE greatest(c.application_date - core.gen_pick(m.m, 32, 1800)
                                - (k - 1) * 400,
                                c.birth_date + interval '16 years')::date END AS issued_on) i
   WHERE c.customer_no BETWEEN v_first_no AND v_last_no;

  -- Give the planner statistics for the extract that usually follows a load.
  ANALYZE core.customer;
  ANALYZE core.address;
  ANALYZE core.contact;
  ANALYZE core.identity_document;

  RETURN v_inserted;
END
$$;

COMMENT ON FUNCTION core.generate_customers(integer, integer, integer) IS
  'Deterministic synthetic customers p_first .. p_first+p_count-1; every p_invalid_every-th one '
  'gets one defect the ETL must hold back (see 0002_generator.sql). Returns customers inserted.';
