package io.tributary.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class LakeStorageTest {

  @Test
  void defaultsToTheLocalDiskWithAOneGibibyteCache() {
    TributaryConfig config = TributaryConfig.defaults(Path.of("/tmp/t"));
    assertThat(config.lake()).isEqualTo(LakeStorage.local(Path.of("/tmp/t")));
    assertThat(config.lake().onS3()).isFalse();
    assertThat(config.lake().cache())
        .isEqualTo(new LakeStorage.Cache(Path.of("/tmp/t/cache/lake"), 1L << 30));
  }

  @Test
  void readsAnS3Warehouse() {
    TributaryConfig config =
        TributaryConfig.fromYaml(
            """
            data-dir: /tmp/t
            lake:
              warehouse: s3://my-bucket/tributary/lake/
              s3:
                endpoint: http://127.0.0.1:9000
                region: eu-west-1
                path-style-access: true
                access-key-id: AKIA1
                secret-access-key: ${secret:lake_s3_key}
              cache: { dir: /var/cache/t, size: 256MiB }
            """,
            "test");
    LakeStorage lake = config.lake();
    assertThat(lake.onS3()).isTrue();
    assertThat(lake.s3Warehouse())
        .isEqualTo(new LakeStorage.S3Location("my-bucket", "tributary/lake"));
    assertThat(lake.s3Warehouse().uri()).isEqualTo("s3://my-bucket/tributary/lake");
    assertThat(lake.s3())
        .isEqualTo(
            new LakeStorage.S3(
                URI.create("http://127.0.0.1:9000"),
                "eu-west-1",
                true,
                "AKIA1",
                "${secret:lake_s3_key}"));
    assertThat(lake.s3().toString()).doesNotContain("secret");
    assertThat(lake.cache()).isEqualTo(new LakeStorage.Cache(Path.of("/var/cache/t"), 256L << 20));
  }

  @Test
  void readsAnS3LandingZoneWithTheLakesConnection() {
    LakeStorage lake =
        TributaryConfig.fromYaml(
                "landing: s3://drops/landing\nlake: { s3: { endpoint: 'http://h:9000' } }\n", "t")
            .lake();
    assertThat(lake.onS3()).isFalse();
    assertThat(lake.usesS3()).isTrue();
    assertThat(lake.s3Landing()).isEqualTo(new LakeStorage.S3Location("drops", "landing"));
    assertThat(lake.s3().endpoint()).isEqualTo(URI.create("http://h:9000"));
    assertRefused("landing: /tmp/landing", "landing", "/tmp/landing");
  }

  @Test
  void refusesBadSettingsNamingKeyAndValue() {
    assertRefused("lake: { warehouse: /tmp/x }", "lake.warehouse", "/tmp/x");
    assertRefused("lake: { warehouse: s3://A_B/x }", "lake.warehouse", "s3://A_B/x");
    assertRefused("lake: { warehouse: s3://bucket/a/../b }", "lake.warehouse", "a/../b");
    assertRefused(
        "catalog: { warehouse: /tmp/w }\nlake: { warehouse: s3://bucket/x }",
        "lake.warehouse",
        "catalog.warehouse");
    assertRefused("lake: { s3: { region: eu-west-1 } }", "lake.s3", "lake.warehouse");
    assertRefused(
        "lake: { warehouse: s3://bucket/x, s3: { endpoint: 'ftp://h' } }",
        "lake.s3.endpoint",
        "ftp://h");
    assertRefused(
        "lake: { warehouse: s3://bucket/x, s3: { region: 'EU WEST' } }",
        "lake.s3.region",
        "EU WEST");
    assertRefused(
        "lake: { warehouse: s3://bucket/x, s3: { access-key-id: a } }",
        "lake.s3.secret-access-key",
        "together");
    assertRefused(
        "lake: { warehouse: s3://bucket/x, s3: { secret: a } }", "lake.s3.secret", "Unknown key");
    assertRefused("lake: { cache: { size: 10 } }", "lake.cache.size", "10");
  }

  private static void assertRefused(String yaml, String key, String detail) {
    assertThatThrownBy(() -> TributaryConfig.fromYaml(yaml, "test"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(detail);
  }

  @Property(seed = "20261205")
  void containsOnlyLocationsUnderThePrefix(@ForAll @StringLength(max = 30) String rest) {
    LakeStorage.S3Location lake = LakeStorage.S3Location.parse("s3://bucket/lake");
    String location = "s3://bucket/lake/" + rest;
    boolean escapes =
        java.util.Arrays.stream(rest.split("/", -1)).anyMatch(s -> s.equals("..") || s.equals("."))
            || rest.chars().anyMatch(Character::isISOControl);
    assertThat(lake.contains(location)).isEqualTo(!escapes);
    assertThat(lake.contains("s3://bucket/lake2/" + rest)).isFalse();
    assertThat(lake.contains("s3://other/lake/" + rest)).isFalse();
  }
}
