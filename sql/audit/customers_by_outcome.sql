-- customers_by_outcome.sql: how many customers the ledger knows, by their latest outcome.
-- Parameters: none.  Usage: sqlite3 -header -column var/ledger.sqlite < sql/audit/customers_by_outcome.sql
SELECT last_outcome AS outcome, count(*) AS customers,
       sum(accepted_hash IS NOT NULL) AS ever_accepted
FROM customers
GROUP BY last_outcome
ORDER BY customers DESC;
