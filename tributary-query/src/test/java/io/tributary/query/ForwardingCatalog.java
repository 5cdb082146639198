package io.tributary.query;

import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/** A catalog that forwards to another: a base for hand-written test fakes. */
class ForwardingCatalog implements Catalog {
  private final Catalog delegate;

  ForwardingCatalog(Catalog delegate) {
    this.delegate = delegate;
  }

  @Override
  public List<TableIdentifier> listTables(Namespace namespace) {
    return delegate.listTables(namespace);
  }

  @Override
  public boolean dropTable(TableIdentifier identifier, boolean purge) {
    return delegate.dropTable(identifier, purge);
  }

  @Override
  public void renameTable(TableIdentifier from, TableIdentifier to) {
    delegate.renameTable(from, to);
  }

  @Override
  public Table loadTable(TableIdentifier identifier) {
    return delegate.loadTable(identifier);
  }
}
