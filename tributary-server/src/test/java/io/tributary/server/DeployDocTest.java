package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.config.TributaryConfig;
import io.tributary.core.config.TributaryConfig.KafkaMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code yaml} block of {@code docs/deploy.md} loads with the platform's config loader, so
 * the reference deployment cannot name a key the platform does not accept.
 */
class DeployDocTest {
  private static final Path DOC = Path.of("..", "docs", "deploy.md");
  private static final Pattern YAML_BLOCK =
      Pattern.compile("^```yaml\\n(.*?)^```", Pattern.DOTALL | Pattern.MULTILINE);

  /** The doc's configuration directory; the loader checks that certificate files are readable. */
  private static final String CONFIG_DIR = "/etc/tributary/";

  @TempDir Path etc;

  @Test
  void everyYamlBlockIsAValidConfig() throws IOException {
    List<String> blocks = yamlBlocks(Files.readString(DOC));
    assertThat(blocks).as("yaml blocks of %s", DOC).isNotEmpty();
    Files.writeString(etc.resolve("pgwire.crt"), "");
    Files.writeString(etc.resolve("pgwire.key"), "");
    for (int i = 0; i < blocks.size(); i++) {
      String yaml = blocks.get(i).replace(CONFIG_DIR, etc.toString() + "/");
      TributaryConfig config = TributaryConfig.fromYaml(yaml, DOC + " yaml block " + (i + 1));
      assertThat(config).isNotNull();
    }
  }

  @Test
  void theReferenceNodeRunsOnTheSharedServices() throws IOException {
    String yaml = yamlBlocks(Files.readString(DOC)).get(0).replace(CONFIG_DIR, etc + "/");
    Files.writeString(etc.resolve("pgwire.crt"), "");
    Files.writeString(etc.resolve("pgwire.key"), "");
    TributaryConfig config = TributaryConfig.fromYaml(yaml, DOC.toString());
    assertThat(config.kafka().mode()).isEqualTo(KafkaMode.EXTERNAL);
    assertThat(config.catalog().uri()).startsWith("jdbc:postgresql://");
    assertThat(config.lake().onS3()).isTrue();
    assertThat(config.node().id()).contains("tributary-1");
  }

  private static List<String> yamlBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    Matcher matcher = YAML_BLOCK.matcher(markdown);
    while (matcher.find()) {
      blocks.add(matcher.group(1));
    }
    return blocks;
  }
}
