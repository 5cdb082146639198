package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.InvalidInputException;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class TablePatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void setsAndRemovesDescriptionAndTags() throws Exception {
    TablePatch patch =
        TablePatch.parse(
            json(
                "{\"description\": \"Listening events\","
                    + " \"tags\": {\"team\": \"growth\", \"owner\": \"ana@amp.fm\", \"old\": null}}"));
    assertThat(patch.set())
        .containsOnly(
            Map.entry("comment", "Listening events"),
            Map.entry("tag.team", "growth"),
            Map.entry("tag.owner", "ana@amp.fm"));
    assertThat(patch.remove()).containsExactly("tag.old");

    TablePatch removal = TablePatch.parse(json("{\"description\": null}"));
    assertThat(removal.set()).isEmpty();
    assertThat(removal.remove()).containsExactly("comment");
    assertThat(TablePatch.parse(json("{}"))).isEqualTo(new TablePatch(Map.of(), Set.of()));
  }

  @Test
  void rejectsWhatGlueWouldRejectNamingTheMember() {
    assertRejected("[]", "JSON object");
    assertRejected("{\"comment\": \"x\"}", "Unknown member 'comment'");
    assertRejected("{\"description\": 5}", "Invalid description: 5");
    assertRejected(
        "{\"description\": \"" + "x".repeat(2049) + "\"}", "2049 characters (at most 2048)");
    assertRejected("{\"tags\": [\"a\"]}", "Invalid tags");
    assertRejected("{\"tags\": {\"\": \"v\"}}", "Invalid tag key ''");
    assertRejected("{\"tags\": {\"a\\nb\": \"v\"}}", "Invalid tag key");
    assertRejected("{\"tags\": {\"k\": 1}}", "Invalid value of tag 'k'");
    assertRejected("{\"tags\": {\"k\": \"" + "v".repeat(257) + "\"}}", "Invalid value of tag");
    StringBuilder many = new StringBuilder("{\"tags\": {");
    for (int i = 0; i < 51; i++) {
      many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\": \"v\"");
    }
    assertRejected(many.append("}}").toString(), "51 tags (at most 50)");
  }

  private static void assertRejected(String body, String message) {
    assertThatThrownBy(() -> TablePatch.parse(json(body)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message);
  }

  @Property(seed = "20261126", tries = 200)
  void validTagsRoundTrip(
      @ForAll @Size(max = 12)
          Map<
                  @AlphaChars @NumericChars @StringLength(min = 1, max = 128) String,
                  @AlphaChars @NumericChars @StringLength(max = 256) String>
              tags,
      @ForAll @StringLength(max = 300) String description) {
    ObjectNode body = JSON.createObjectNode();
    body.put("description", description);
    tags.forEach(body.putObject("tags")::put);
    TablePatch patch = TablePatch.parse(body);
    assertThat(patch.set()).containsEntry("comment", description).hasSize(tags.size() + 1);
    tags.forEach((key, value) -> assertThat(patch.set()).containsEntry("tag." + key, value));
    assertThat(patch.remove()).isEmpty();
  }

  @Property(seed = "20261126")
  void anyJsonIsParsedOrRejectedClearly(
      @ForAll @StringLength(max = 40) String key, @ForAll @StringLength(max = 40) String value) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("tags").put(key, value);
    try {
      TablePatch patch = TablePatch.parse(body);
      assertThat(patch.set()).containsEntry("tag." + key, value);
    } catch (InvalidInputException expected) {
      assertThat(expected.getMessage()).contains("tag");
    }
  }
}
