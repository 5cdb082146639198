package io.tributary.reports.internal;

/**
 * A small XHTML builder whose every text and attribute value is escaped: the only way values reach
 * a report's markup. The output is well-formed XML, as the PDF renderer needs.
 */
public final class Html {
  private final StringBuilder out = new StringBuilder(4096);

  /**
   * {@code text} with {@code & < > " '} escaped and control characters (but tab and newline)
   * dropped.
   */
  public static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> {
          if (c >= 0x20 || c == '\t' || c == '\n') {
            if (Character.isSurrogate(c)) {
              if (Character.isHighSurrogate(c)
                  && i + 1 < text.length()
                  && Character.isLowSurrogate(text.charAt(i + 1))) {
                escaped.append(c).append(text.charAt(++i));
              }
            } else if (c != 0xFFFE && c != 0xFFFF) {
              escaped.append(c);
            }
          }
        }
      }
    }
    return escaped.toString();
  }

  /** Markup written by this class's caller as a constant (never a value). */
  public Html raw(String markup) {
    out.append(markup);
    return this;
  }

  /** An escaped text. */
  public Html text(Object value) {
    out.append(escape(String.valueOf(value)));
    return this;
  }

  /** {@code <tag class="cls">}; {@code cls} may be null. */
  public Html open(String tag, String cls) {
    out.append('<').append(tag);
    if (cls != null) {
      out.append(" class=\"").append(escape(cls)).append('"');
    }
    out.append('>');
    return this;
  }

  public Html close(String tag) {
    out.append("</").append(tag).append('>');
    return this;
  }

  /** {@code <tag class="cls">text</tag>} with the text escaped. */
  public Html element(String tag, String cls, Object text) {
    return open(tag, cls).text(text).close(tag);
  }

  /** An image whose source and alternative text are escaped. */
  public Html image(String src, String alt, int width, int height) {
    out.append("<img src=\"")
        .append(escape(src))
        .append("\" alt=\"")
        .append(escape(alt))
        .append("\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\"/>");
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
