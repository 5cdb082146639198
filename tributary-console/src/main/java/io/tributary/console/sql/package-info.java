/**
 * The SQL workbench ({@code /sql}): an editor with highlighting and completion from the tables the
 * viewer can read, statements run as the viewer (the same table checks as {@code POST /v1/query}),
 * results read once and paged from the server ({@link io.tributary.query.workbench.ResultPages}),
 * errors marked where DuckDB points, the viewer's own history, and CSV downloads streamed.
 */
package io.tributary.console.sql;
