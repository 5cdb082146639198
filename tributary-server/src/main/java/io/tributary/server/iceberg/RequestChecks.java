package io.tributary.server.iceberg;

import io.tributary.lake.LakeLocations;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.CreateViewRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;

/**
 * The REST endpoint's request validation before anything reaches the catalog: names are identifiers
 * the SQL layer can address, a table's namespace exists, every location stays inside the warehouse
 * and platform tables keep theirs (rules in {@link LakeLocations}).
 */
final class RequestChecks {
  /** The namespace property Iceberg catalogs place a namespace's tables under. */
  private static final String NAMESPACE_LOCATION = "location";

  private final Catalog catalog;
  private final SupportsNamespaces namespaces;
  private final LakeLocations locations;

  RequestChecks(Catalog catalog, SupportsNamespaces namespaces, LakeLocations locations) {
    this.catalog = catalog;
    this.namespaces = namespaces;
    this.locations = locations;
  }

  void createNamespace(CreateNamespaceRequest request) {
    LakeLocations.requireSafeName(request.namespace());
    namespaceProperties(request.properties());
  }

  void namespaceProperties(Map<String, String> properties) {
    if (properties != null && properties.containsKey(NAMESPACE_LOCATION)) {
      locations.requireInside("namespace location", properties.get(NAMESPACE_LOCATION));
    }
  }

  void createTable(Namespace namespace, CreateTableRequest request) {
    newTable(namespace, request.name());
    if (request.location() != null) {
      locations.requireInside("table location", request.location());
    }
    locations.requireInside(request.properties());
  }

  void createView(Namespace namespace, CreateViewRequest request) {
    newView(namespace, request.name());
    if (request.location() != null) {
      locations.requireInside("view location", request.location());
    }
  }

  void registerTable(Namespace namespace, String name, String metadataLocation) {
    newTable(namespace, name);
    locations.requireInside("metadata location", metadataLocation);
  }

  void registerView(Namespace namespace, String name, String metadataLocation) {
    newView(namespace, name);
    locations.requireInside("metadata location", metadataLocation);
  }

  void renameTable(TableIdentifier destination) {
    newTable(destination.namespace(), destination.name());
  }

  void renameView(TableIdentifier destination) {
    newView(destination.namespace(), destination.name());
  }

  /** A commit to a table (or a staged creation): the locations it sets or adds. */
  void update(TableIdentifier table, UpdateTableRequest request) {
    boolean movesFiles = false;
    for (MetadataUpdate update : request.updates()) {
      if (update instanceof MetadataUpdate.SetLocation setLocation) {
        locations.requireInside("table location", setLocation.location());
        movesFiles = true;
      } else if (update instanceof MetadataUpdate.SetProperties setProperties) {
        locations.requireInside(setProperties.updated());
        movesFiles |=
            LakeLocations.LOCATION_PROPERTIES.stream()
                .anyMatch(setProperties.updated()::containsKey);
      } else if (update instanceof MetadataUpdate.AddSnapshot addSnapshot) {
        // purge deletes the files a snapshot lists: none may lie outside the warehouse
        String manifestList = addSnapshot.snapshot().manifestListLocation();
        if (manifestList != null) {
          locations.requireInside("manifest list", manifestList);
        }
      } else if (update instanceof MetadataUpdate.SetStatistics statistics) {
        locations.requireInside("statistics file", statistics.statisticsFile().path());
      } else if (update instanceof MetadataUpdate.SetPartitionStatistics statistics) {
        locations.requireInside(
            "partition statistics file", statistics.partitionStatisticsFile().path());
      } else if (update instanceof MetadataUpdate.RemoveProperties removeProperties) {
        movesFiles |=
            LakeLocations.LOCATION_PROPERTIES.stream()
                .anyMatch(removeProperties.removed()::contains);
      }
    }
    if (movesFiles && isPlatformTable(table)) {
      throw new ForbiddenException(
          "Cannot change the location of %s: the platform writes this table", table);
    }
  }

  void updates(List<UpdateTableRequest> changes) {
    for (UpdateTableRequest change : changes) {
      update(change.identifier(), change);
    }
  }

  private boolean isPlatformTable(TableIdentifier identifier) {
    Table table;
    try {
      table = catalog.loadTable(identifier);
    } catch (NoSuchTableException e) {
      return false; // created by this commit
    }
    return LakeLocations.isPlatformTable(table);
  }

  /** A new table's name: its namespace must exist (404 first) and the name be addressable. */
  private void newTable(Namespace namespace, String name) {
    requireNamespace(namespace);
    LakeLocations.requireAddressable(namespace, name);
  }

  private void newView(Namespace namespace, String name) {
    requireNamespace(namespace);
    LakeLocations.requireSafeName("view", name);
  }

  private void requireNamespace(Namespace namespace) {
    if (!namespaces.namespaceExists(namespace)) {
      throw new NoSuchNamespaceException("Namespace does not exist: %s", namespace);
    }
  }
}
