-- DBeaver's PostgreSQL start-up probes (SET extra_float_digits, current_schema() with session_user,
-- version()) over pgJDBC 42.7.14, captured from the real driver against this endpoint (BiClientsIT,
-- TRACE logging of io.tributary.pgwire.QueryProtocol). CatalogGoldenIT replays them all.
SET application_name = 'DBeaver'
;
SET extra_float_digits = 3
;
SELECT current_schema(),session_user
;
SELECT version()
;
