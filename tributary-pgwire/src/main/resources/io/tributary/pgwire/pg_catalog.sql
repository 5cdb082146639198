-- PostgreSQL catalog emulation over DuckDB's own pg_catalog, for psql and pgJDBC's metadata calls.
-- Run (trusted) before a statement that reads the catalogs; CatalogRewrite drops the statement's
-- "pg_catalog." prefixes, so these objects in the main schema shadow DuckDB's.
CREATE MACRO tributary_pg_oid(duckdb_type) AS CASE
  WHEN duckdb_type = 'bool' THEN 16 WHEN duckdb_type = 'int2' THEN 21 WHEN duckdb_type = 'int4' THEN 23
  WHEN duckdb_type = 'int8' THEN 20 WHEN duckdb_type = 'float4' THEN 700 WHEN duckdb_type = 'float8' THEN 701
  WHEN duckdb_type LIKE 'numeric%' THEN 1700 WHEN duckdb_type = 'date' THEN 1082 WHEN duckdb_type = 'time' THEN 1083
  WHEN duckdb_type = 'timestamp' THEN 1114 WHEN duckdb_type = 'timestamptz' THEN 1184
  WHEN duckdb_type = 'bytea' THEN 17 WHEN duckdb_type = 'uuid' THEN 2950 ELSE 25 END;
CREATE MACRO tributary_format_type(type_oid, typmod) AS CASE
  WHEN type_oid = 16 THEN 'boolean' WHEN type_oid = 21 THEN 'smallint' WHEN type_oid = 23 THEN 'integer'
  WHEN type_oid = 20 THEN 'bigint' WHEN type_oid = 700 THEN 'real' WHEN type_oid = 701 THEN 'double precision'
  WHEN type_oid = 1700 AND typmod > 4
    THEN 'numeric(' || ((typmod - 4) // 65536) || ',' || ((typmod - 4) % 65536) || ')'
  WHEN type_oid = 1700 THEN 'numeric' WHEN type_oid = 1082 THEN 'date'
  WHEN type_oid = 1083 THEN 'time without time zone'
  WHEN type_oid = 1114 THEN 'timestamp without time zone' WHEN type_oid = 1184 THEN 'timestamp with time zone'
  WHEN type_oid = 17 THEN 'bytea' WHEN type_oid = 2950 THEN 'uuid' WHEN type_oid = 25 THEN 'text'
  WHEN type_oid IS NULL THEN NULL ELSE 'text' END;
CREATE MACRO pg_get_userbyid(id) AS 'admin';
-- SQLAlchemy (Superset) reads the server's major version from this text
CREATE MACRO version() AS 'PostgreSQL ${server_version} on x86_64-pc-linux-gnu, 64-bit';
CREATE MACRO tributary_expandarray(list) AS {'x': NULL::INTEGER, 'n': NULL::INTEGER};
CREATE MACRO pg_get_expr(expr, relation) AS NULL::VARCHAR, (expr, relation, pretty) AS NULL::VARCHAR;
CREATE MACRO array_upper(list, dimension) AS len(list);
CREATE MACRO pg_encoding_to_char(encoding) AS 'UTF8';
CREATE MACRO pg_get_partkeydef(id) AS NULL::VARCHAR;
CREATE MACRO pg_get_serial_sequence(relation, column_name) AS NULL::VARCHAR;
CREATE MACRO pg_relation_is_publishable(id) AS false;
CREATE MACRO pg_get_statisticsobjdef_columns(id) AS NULL::VARCHAR;
-- the built-in types live in pg_catalog (oid 11, as in PostgreSQL), which DuckDB does not list
CREATE VIEW pg_namespace AS
  SELECT * FROM pg_catalog.pg_namespace UNION ALL BY NAME SELECT 11::BIGINT AS oid, 'pg_catalog' AS nspname;
CREATE VIEW pg_class AS SELECT *, false AS relforcerowsecurity FROM pg_catalog.pg_class;
CREATE VIEW pg_attribute AS
  SELECT * REPLACE (
    tributary_pg_oid(pg_catalog.format_type(atttypid, atttypmod)) AS atttypid,
    -- DuckDB's DECIMAL(w,s) modifier is w * 1000 + s; PostgreSQL's numeric(w,s) is (w << 16) + s + 4
    CASE WHEN pg_catalog.format_type(atttypid, atttypmod) LIKE 'numeric%' AND atttypmod > 0
      THEN (atttypmod // 1000) * 65536 + atttypmod % 1000 + 4 ELSE atttypmod END AS atttypmod)
  FROM pg_catalog.pg_attribute;
CREATE VIEW pg_type AS
  SELECT oid::BIGINT AS oid, typname, 11::BIGINT AS typnamespace, 0::BIGINT AS typowner, typlen::SMALLINT AS typlen,
    typlen > 0 AS typbyval, 'b' AS typtype, 'U' AS typcategory, false AS typispreferred, true AS typisdefined,
    ',' AS typdelim, 0::BIGINT AS typrelid, 0::BIGINT AS typelem, 0::BIGINT AS typarray, false AS typnotnull,
    0::BIGINT AS typbasetype, -1 AS typtypmod, 0 AS typndims, 0::BIGINT AS typcollation,
    NULL::VARCHAR AS typdefaultbin, NULL::VARCHAR AS typdefault, NULL::VARCHAR[] AS typacl,
    typname || 'in' AS typinput, typname || 'out' AS typoutput
  FROM (VALUES (16, 'bool', 1), (17, 'bytea', -1), (20, 'int8', 8), (21, 'int2', 2), (23, 'int4', 4),
    (25, 'text', -1), (700, 'float4', 4), (701, 'float8', 8), (1043, 'varchar', -1), (1082, 'date', 4),
    (1083, 'time', 8), (1114, 'timestamp', 8), (1184, 'timestamptz', 8), (1700, 'numeric', -1),
    (2950, 'uuid', 16)) AS types(oid, typname, typlen);
CREATE VIEW pg_database AS
  SELECT 1::BIGINT AS oid, 'tributary' AS datname, 10::BIGINT AS datdba, 6 AS encoding, 'c' AS datlocprovider,
    false AS datistemplate, true AS datallowconn, -1 AS datconnlimit, 0::BIGINT AS datfrozenxid,
    0::BIGINT AS datminmxid, 0::BIGINT AS dattablespace, 'C' AS datcollate, 'C' AS datctype,
    NULL::VARCHAR AS daticulocale, NULL::VARCHAR AS daticurules, NULL::VARCHAR AS datcollversion,
    NULL::VARCHAR[] AS datacl;
CREATE VIEW pg_roles AS
  SELECT 10::BIGINT AS oid, 'admin' AS rolname, false AS rolsuper, false AS rolinherit, false AS rolcreaterole,
    false AS rolcreatedb, true AS rolcanlogin, false AS rolreplication, -1 AS rolconnlimit,
    NULL::TIMESTAMPTZ AS rolvaliduntil, false AS rolbypassrls, NULL::VARCHAR[] AS rolconfig;
CREATE VIEW pg_inherits AS
  SELECT 0::BIGINT AS inhrelid, 0::BIGINT AS inhparent, 0 AS inhseqno, false AS inhdetachpending WHERE false;
CREATE VIEW pg_policy AS
  SELECT 0::BIGINT AS oid, '' AS polname, 0::BIGINT AS polrelid, '' AS polcmd, true AS polpermissive,
    []::BIGINT[] AS polroles, NULL::VARCHAR AS polqual, NULL::VARCHAR AS polwithcheck WHERE false;
CREATE VIEW pg_statistic_ext AS
  SELECT 0::BIGINT AS oid, 0::BIGINT AS stxrelid, '' AS stxname, 0::BIGINT AS stxnamespace,
    0::BIGINT AS stxowner, -1 AS stxstattarget, []::INTEGER[] AS stxkeys, []::VARCHAR[] AS stxkind,
    NULL::VARCHAR AS stxexprs WHERE false;
CREATE VIEW pg_publication AS
  SELECT 0::BIGINT AS oid, '' AS pubname, 0::BIGINT AS pubowner, false AS puballtables, false AS pubinsert,
    false AS pubupdate, false AS pubdelete, false AS pubtruncate, false AS pubviaroot WHERE false;
CREATE VIEW pg_publication_rel AS
  SELECT 0::BIGINT AS oid, 0::BIGINT AS prpubid, 0::BIGINT AS prrelid, NULL::VARCHAR AS prqual,
    []::INTEGER[] AS prattrs WHERE false;
CREATE VIEW pg_publication_namespace AS
  SELECT 0::BIGINT AS oid, 0::BIGINT AS pnpubid, 0::BIGINT AS pnnspid WHERE false;
CREATE VIEW pg_trigger AS
  SELECT 0::BIGINT AS oid, 0::BIGINT AS tgrelid, 0::BIGINT AS tgparentid, '' AS tgname, 0::BIGINT AS tgfoid,
    0 AS tgtype, 'O' AS tgenabled, false AS tgisinternal WHERE false;
CREATE VIEW pg_partitioned_table AS
  SELECT 0::BIGINT AS partrelid, 'r' AS partstrat, 0 AS partnatts WHERE false;
CREATE VIEW pg_sequence AS
  SELECT 0::BIGINT AS seqrelid, 0::BIGINT AS seqtypid, 0::BIGINT AS seqstart, 0::BIGINT AS seqincrement,
    0::BIGINT AS seqmax, 0::BIGINT AS seqmin, 0::BIGINT AS seqcache, false AS seqcycle WHERE false;
