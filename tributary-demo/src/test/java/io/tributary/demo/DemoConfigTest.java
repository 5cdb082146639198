package io.tributary.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tributary.core.config.EgressPolicy;
import io.tributary.core.config.StreamSpec;
import io.tributary.core.config.TributaryConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoConfigTest {
  private static final URI CATALOG = URI.create("http://127.0.0.1:18081");

  @Test
  void demoConfigDeclaresTheEventAndCatalogStreams() {
    TributaryConfig config = DemoCommand.demoConfig(CATALOG);
    assertThat(config.streams())
        .extracting(StreamSpec::name)
        .containsExactly("app_events", "show_catalog");
    assertThat(config.streams().get(1).table().toString()).isEqualTo("raw.show_catalog");
    assertThat(config.http().port()).isEqualTo(7070);
    // functions may call the demo's catalog service, at whatever port it was given, and nothing
    // else
    assertThat(config.egress().allowedHosts())
        .containsExactly(EgressPolicy.HostRule.parse("127.0.0.1:18081"));
    assertThat(DemoCommand.demoConfig(URI.create("http://127.0.0.1:9999")).egress().allowedHosts())
        .containsExactly(EgressPolicy.HostRule.parse("127.0.0.1:9999"));
  }

  @Test
  void pipelineFragmentCallsTheCatalogServiceAndFeedsShowCatalog() throws Exception {
    String text = DemoCommand.resource(DemoCommand.PIPELINE_CONFIG, CATALOG);
    assertThat(text).doesNotContain(DemoCommand.CATALOG_URL);
    JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(text);
    assertThat(yaml.at("/topics/0/name").asText()).isEqualTo("catalog_changes");
    JsonNode function = yaml.at("/functions/0");
    assertThat(function.get("name").asText()).isEqualTo("enrich_shows");
    assertThat(function.get("topic").asText()).isEqualTo("catalog_changes");
    assertThat(function.get("type").asText()).isEqualTo("http-enrich");
    assertThat(function.get("url").asText()).isEqualTo("http://127.0.0.1:18081/shows/{show_id}");
    assertThat(function.get("emit-to").asText()).isEqualTo("show_catalog");
    List<String> keep = new ArrayList<>();
    function.get("keep").forEach(k -> keep.add(k.asText()));
    assertThat(keep)
        .contains("show_id", "title", "category", "creator.name", "schedule.start", "version");
  }

  @Test
  void ampCatalogServiceIsACommand() {
    CommandLine cli = DemoMain.commandLine();
    assertThat(cli.getSubcommands()).containsKey("amp");
    CommandLine service = cli.getSubcommands().get("amp").getSubcommands().get("catalog-service");
    assertThat(service).isNotNull();
    java.io.StringWriter help = new java.io.StringWriter();
    cli.setOut(new java.io.PrintWriter(help));
    assertThat(cli.execute("amp", "catalog-service", "--help")).isZero();
    assertThat(help.toString())
        .contains(
            "--port", "--failure-rate", "--latency", "--change-interval", "--notify", "--seed");
    assertThat(DemoMain.commandLine().execute("amp", "catalog-service", "--latency", "fast"))
        .isEqualTo(2);
  }
}
