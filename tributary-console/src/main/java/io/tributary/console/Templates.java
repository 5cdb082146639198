package io.tributary.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Renders the console's templates ({@code src/main/jte}, compiled to Java at build time with HTML
 * escaping: every {@code ${...}} is escaped for where it stands) and answers them with the
 * console's security headers.
 */
public final class Templates {
  /**
   * The pages' Content-Security-Policy: scripts only from the platform's own files (no inline
   * scripts, so an injected {@code <script>} or event handler never runs), nothing framed.
   */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'"
          + " data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  /** {@code template} (e.g. {@code "home.jte"}) rendered with {@code params}. */
  public String render(String template, Map<String, Object> params) {
    StringOutput output = new StringOutput();
    engine.render(template, params, output);
    return output.toString();
  }

  /** Answers {@code template} rendered with {@code params} as an HTML page with {@code status}. */
  public void answer(Context ctx, int status, String template, Map<String, Object> params) {
    String html = render(template, params);
    headers(ctx);
    ctx.status(status).contentType("text/html; charset=utf-8").result(html);
  }

  /** The security and caching headers of every console page and fragment. */
  public static void headers(Context ctx) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cache-Control", "no-store");
  }
}
