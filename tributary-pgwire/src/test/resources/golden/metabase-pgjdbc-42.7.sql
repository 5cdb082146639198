-- Metabase's connection set-up over pgJDBC 42.7.14 (getTransactionIsolation, setTransactionIsolation,
-- setReadOnly, setAutoCommit(false), then a query) and the probes issue 14 names for it (SHOW TRANSACTION
-- ISOLATION LEVEL, SET SESSION CHARACTERISTICS, BEGIN READ ONLY), captured from the real driver against
-- this endpoint (BiClientsIT, TRACE logging of io.tributary.pgwire.QueryProtocol). CatalogGoldenIT
-- replays them all.
SET application_name = 'Metabase'
;
SHOW TRANSACTION ISOLATION LEVEL
;
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED
;
BEGIN READ ONLY
;
SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY
;
SELECT count(*) FROM raw.t
;
COMMIT
;
