// node-postgres (npm "pg") against the endpoint: the libpq environment (PGHOST, PGPORT, PGUSER,
// PGPASSWORD, PGDATABASE) says where; prints one JSON object for NodePgIT to check.
const { Client } = require("pg");

async function main() {
  const client = new Client();
  await client.connect();
  const out = {};
  const typed = await client.query(
    "SELECT id, name, amount, score, ok, day, big FROM raw.t WHERE id = $1 AND name = $2",
    [1, "alpha"]
  );
  out.fields = typed.fields.map((f) => f.name + ":" + f.dataTypeID);
  out.row = typed.rows[0];
  const agg = await client.query({ text: "SELECT count(*), sum(n) FROM raw.big", rowMode: "array" });
  out.aggregate = agg.fields.map((f) => f.name).concat(agg.rows[0]);
  const many = await client.query("SELECT n FROM raw.big WHERE n < $1", [5000]);
  out.many = many.rowCount;
  try {
    await client.query("SELECT * FROM raw.nope");
  } catch (e) {
    out.error = e.code;
  }
  await client.end();
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
