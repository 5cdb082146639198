package io.tributary.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidInputException;
import org.junit.jupiter.api.Test;

class GrantTest {
  @Test
  void namespaceGrantCoversItsTablesOnly() {
    Grant grant = Grant.parse("user:ana", "read", "namespace:raw");
    assertThat(grant.covers(Privilege.READ, Resource.parse("table:raw.app_events"))).isTrue();
    assertThat(grant.covers(Privilege.READ, Resource.parse("table:rawer.app_events"))).isFalse();
    assertThat(grant.covers(Privilege.WRITE, Resource.parse("table:raw.app_events"))).isFalse();
  }

  @Test
  void tableWildcardCoversTheNamespacesTables() {
    Grant grant = Grant.parse("group:analysts", "write", "table:raw.*");
    assertThat(grant.covers(Privilege.READ, Resource.parse("table:raw.t"))).isTrue();
    assertThat(grant.covers(Privilege.WRITE, Resource.parse("table:raw.t"))).isTrue();
    assertThat(grant.covers(Privilege.WRITE, Resource.parse("table:curated.t"))).isFalse();
    assertThat(grant.covers(Privilege.WRITE, Resource.parse("namespace:raw"))).isFalse();
  }

  @Test
  void manageIncludesEveryPrivilegeOfItsResourceAndAdminEverything() {
    assertThat(
            Grant.parse("user:a", "manage", "stream:s")
                .covers(Privilege.INGEST, Resource.parse("stream:s")))
        .isTrue();
    assertThat(
            Grant.parse("user:a", "admin", "platform")
                .covers(Privilege.RUN, Resource.parse("flow:daily")))
        .isTrue();
  }

  @Test
  void aPrivilegeThatDoesNotFitTheResourceIsRefusedNamingBoth() {
    assertThatThrownBy(() -> Grant.parse("user:ana", "ingest", "table:raw.t"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'ingest'")
        .hasMessageContaining("table:raw.t");
  }

  @Test
  void malformedPartsAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> Principal.parse("ana"))
        .hasMessageContaining("Invalid principal 'ana'");
    assertThatThrownBy(() -> Privilege.parse("select"))
        .hasMessageContaining("Invalid privilege 'select'");
    assertThatThrownBy(() -> Resource.parse("table:raw"))
        .hasMessageContaining("Invalid resource 'table:raw'");
    assertThatThrownBy(() -> Resource.parse("bucket:x"))
        .hasMessageContaining("Invalid resource kind 'bucket'");
  }

  @Test
  void dashboardsAndReportsTakeReadAndManageWithWildcards() {
    Grant read = Grant.parse("group:analysts", "read", "dashboard:sales");
    assertThat(read.covers(Privilege.READ, Resource.parse("dashboard:sales"))).isTrue();
    assertThat(read.covers(Privilege.MANAGE, Resource.parse("dashboard:sales"))).isFalse();
    assertThat(read.covers(Privilege.READ, Resource.parse("dashboard:ops"))).isFalse();
    assertThat(read.covers(Privilege.READ, Resource.parse("report:sales"))).isFalse();
    Grant manageAll = Grant.parse("user:ana", "manage", "report:*");
    assertThat(manageAll.covers(Privilege.MANAGE, Resource.parse("report:weekly"))).isTrue();
    assertThat(manageAll.covers(Privilege.READ, Resource.parse("report:weekly"))).isTrue();
    assertThat(manageAll.covers(Privilege.READ, Resource.parse("dashboard:weekly"))).isFalse();
    assertThatThrownBy(() -> Grant.parse("user:ana", "run", "report:weekly"))
        .hasMessageContaining("'run'")
        .hasMessageContaining("report:weekly");
    assertThatThrownBy(() -> Grant.parse("user:ana", "write", "dashboard:ops"))
        .hasMessageContaining("'write'");
    AccessSpec spec =
        AccessSpec.parse(
            "users: [{name: ana}]\n"
                + "grants:\n"
                + "  - {principal: user:ana, privilege: read, resource: 'dashboard:*'}\n"
                + "  - {principal: user:ana, privilege: manage, resource: report:weekly}\n");
    assertThat(spec.grants())
        .contains(
            Grant.parse("user:ana", "read", "dashboard:*"),
            Grant.parse("user:ana", "manage", "report:weekly"));
  }
}
