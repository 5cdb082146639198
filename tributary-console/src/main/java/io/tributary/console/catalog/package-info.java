/**
 * The catalog browser ({@code /catalog}, {@code /catalog/{namespace}.{table}}): the tables the
 * viewer may read, each with its columns (nested ones too), partition spec, properties, description
 * and tags (editable with MANAGE through the table patch of {@code PATCH /v1/tables/{table}}),
 * snapshots over time, a sample of rows, and its lineage: the flows whose runs wrote it and the
 * streams that deliver into it.
 */
package io.tributary.console.catalog;
