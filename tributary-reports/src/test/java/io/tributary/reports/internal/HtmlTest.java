package io.tributary.reports.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void escapesMarkupCharacters() {
    assertThat(Html.escape("<a href=\"x\" title='y'>&amp;</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
    assertThat(Html.escape("a\u0000b\u001bc\td\ne")).isEqualTo("abc\td\ne");
  }

  /**
   * No value can open a tag, an entity of its own or leave an attribute; escaping loses no text.
   */
  @Property(tries = 1000, seed = "42")
  void anyStringStaysText(@ForAll String value) {
    String escaped = Html.escape(value);
    assertThat(escaped).doesNotContain("<", ">", "\"", "'");
    assertThat(escaped.replaceAll("&(amp|lt|gt|quot|#39);", "")).doesNotContain("&");
    String unescaped =
        escaped
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
    String printable =
        value
            .codePoints()
            .filter(c -> c >= 0x20 || c == '\t' || c == '\n')
            .filter(c -> c != 0xFFFE && c != 0xFFFF && !(c >= 0xD800 && c <= 0xDFFF))
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    assertThat(unescaped).isEqualTo(printable);
  }
}
