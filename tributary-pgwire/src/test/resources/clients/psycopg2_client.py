"""Python psycopg2 (and SQLAlchemy, as Superset uses it, when installed) against the endpoint.

Connects with the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), runs a
query with parameters, reads typed values, and prints one JSON object for Psycopg2IT to check.
"""
import datetime
import decimal
import json
import sys

import psycopg2

out = {}
conn = psycopg2.connect("")
out["server_version"] = conn.server_version
cur = conn.cursor()
cur.execute(
    "SELECT id, name, amount, score, ok, day, ts, data FROM raw.t WHERE id = %s AND name = %s",
    (1, "alpha"),
)
row = cur.fetchone()
out["columns"] = [d.name for d in cur.description]
out["types"] = [
    type(row[2]) is decimal.Decimal,
    type(row[3]) is float,
    row[4] is True,
    isinstance(row[5], datetime.date),
    isinstance(row[6], datetime.datetime),
    bytes(row[7]).hex(),
]
out["row"] = [row[0], row[1], str(row[2]), row[3], row[5].isoformat(), row[6].isoformat()]
cur.execute("SELECT count(*), sum(n) FROM raw.big")
out["aggregate"] = [d.name for d in cur.description] + [str(v) for v in cur.fetchone()]
cur.execute("SELECT n FROM raw.big ORDER BY n LIMIT 5000")
out["many"] = len(cur.fetchall())
try:
    cur.execute("SELECT nope FROM raw.t")
except psycopg2.Error as e:
    out["error"] = e.pgcode
conn.rollback()
conn.close()

try:
    import sqlalchemy
except ImportError:
    sqlalchemy = None
if sqlalchemy is not None:
    engine = sqlalchemy.create_engine("postgresql+psycopg2://")
    inspector = sqlalchemy.inspect(engine)
    out["sqlalchemy"] = {
        "version": list(engine.dialect.server_version_info),
        "schemas": sorted(inspector.get_schema_names()),
        "tables": sorted(inspector.get_table_names(schema="raw")),
        "columns": [c["name"] for c in inspector.get_columns("t", schema="raw")],
        "has_table": inspector.has_table("t", schema="raw"),
    }
    with engine.connect() as connection:
        result = connection.execute(sqlalchemy.text("SELECT count(*) FROM raw.t"))
        out["sqlalchemy"]["count"] = result.scalar()
    engine.dispose()

json.dump(out, sys.stdout)
