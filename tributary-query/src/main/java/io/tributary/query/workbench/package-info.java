/**
 * What the SQL workbench keeps between requests: a statement's result, read once and held bounded
 * per session for paging ({@link io.tributary.query.workbench.ResultPages}), and each user's query
 * history in the metadata database ({@link io.tributary.query.workbench.QueryHistory}).
 */
package io.tributary.query.workbench;
