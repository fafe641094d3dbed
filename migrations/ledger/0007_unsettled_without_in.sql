-- 0007_unsettled_without_in.sql: the partial index customers_unsettled (0006) with the same rows,
-- its condition written with OR instead of IN. SQLite evaluates an index's condition on every
-- write of the table, and it evaluated `IN (...)` by building a temporary b-tree of the three
-- values each time: a quarter of the cost of writing a customer's row. The statements that read
-- the index (etl/ledger/statements.hpp) use the same term.
DROP INDEX customers_unsettled;
CREATE INDEX customers_unsettled ON customer_state (last_outcome)
  WHERE (last_outcome = 'in_flight' OR last_outcome = 'failed' OR last_outcome = 'rejected');
