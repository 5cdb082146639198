package io.tributary.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.tributary.access.Access;
import io.tributary.access.Privilege;
import io.tributary.access.ResourceKind;
import io.tributary.access.audit.AuditEvent;
import io.tributary.access.audit.AuditEvent.Outcome;
import io.tributary.access.audit.AuditSink;
import io.tributary.access.audit.Caller;
import io.tributary.console.Assets;
import io.tributary.console.FlowPages;
import io.tributary.console.PageHandler;
import io.tributary.console.Sessions;
import io.tributary.console.Sessions.Session;
import io.tributary.console.StatusPages;
import io.tributary.console.Templates;
import io.tributary.console.Viewer;
import io.tributary.core.TributaryException;
import io.tributary.flow.TaskReplay;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The browser console's routes: assets, the login form, logout, and the console's own pages. Every
 * page is registered with its {@link Requires} through {@link #page} (GET) or {@link #action}
 * (POST: the gate checks its CSRF token), which mark it as a {@link ConsolePage} so the gate
 * accepts the session cookie and puts the {@link Viewer} on the request.
 */
final class ConsoleRoutes {
  /** The login form's path. */
  static final String LOGIN = "/login";

  /** The cookie that ties the login form to its post (login CSRF). */
  static final String LOGIN_COOKIE = "tributary_login";

  /** The one renderer of the console's templates (stateless; used by error pages too). */
  static final Templates TEMPLATES = new Templates();

  private final Optional<Access> access;
  private final Sessions sessions;
  private final AuditSink audit;
  private final Assets assets = new Assets();
  private final StatusPages status;
  private final FlowPages flowPages;

  /**
   * @param access the access service, or empty when access control is off (then there is no login)
   * @param sessions the console's sessions (the same the {@link AccessGate} reads)
   * @param audit where logins go
   */
  ConsoleRoutes(
      Optional<Access> access,
      Sessions sessions,
      AuditSink audit,
      StatusPages.Services services,
      TaskReplay replay) {
    this.access = access;
    this.sessions = sessions;
    this.audit = audit;
    this.status = new StatusPages(services, TEMPLATES);
    this.flowPages = new FlowPages(services.flows(), replay, TEMPLATES);
  }

  void register(RoutesConfig routes) {
    routes.get(
        Assets.PATH + "/<path>", ctx -> assets.serve(ctx, ctx.pathParam("path")), Requires.open());
    routes.get(LOGIN, this::loginForm, Requires.open(), ConsolePage.PAGE);
    routes.post(LOGIN, this::login, Requires.open(), ConsolePage.PAGE);
    action(routes, "/logout", this::logout, Requires.authenticated());
    page(routes, "/", status::home, Requires.authenticated());
    page(routes, "/pipelines", status::pipelines, Requires.authenticated());
    // a flow's page and actions require what the JSON API's flow routes do: run on the flow
    Requires run = Requires.on(Privilege.RUN, ResourceKind.FLOW, "name");
    page(routes, "/flows/{name}", flowPages::grid, run);
    page(routes, "/flows/{name}/runs/{id}/tasks/{task}", flowPages::task, run);
    action(routes, "/flows/{name}/trigger", flowPages::trigger, run);
    action(routes, "/flows/{name}/backfill", flowPages::backfill, run);
    action(routes, "/flows/{name}/runs/{id}/rerun", flowPages::rerun, run);
    action(routes, "/flows/{name}/runs/{id}/tasks/{task}/replay", flowPages::replay, run);
    action(routes, "/flows/{name}/runs/{id}/tasks/{task}/mark-failed", flowPages::markFailed, run);
    action(routes, "/flows/{name}/runs/{id}/tasks/{task}/clear", flowPages::clear, run);
  }

  /** Registers the page {@code GET path} with what it requires. */
  static void page(RoutesConfig routes, String path, PageHandler handler, Requires requires) {
    routes.get(path, ctx -> handler.handle(ctx, Viewer.of(ctx)), requires, ConsolePage.PAGE);
  }

  /**
   * Registers the state-changing {@code POST path} with what it requires; the gate refuses it (403)
   * without the session's CSRF token (form field {@code _csrf} or header {@code X-CSRF-Token}).
   */
  static void action(RoutesConfig routes, String path, PageHandler handler, Requires requires) {
    routes.post(path, ctx -> handler.handle(ctx, Viewer.of(ctx)), requires, ConsolePage.PAGE);
  }

  /** Sends a browser to the login form, coming back to the page it asked for. */
  static void toLogin(Context ctx) {
    String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
    String location = LOGIN + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
    if ("true".equals(ctx.header("HX-Request"))) {
      ctx.header("HX-Redirect", location); // htmx: the whole page goes, not a fragment
      ctx.status(401);
      return;
    }
    ctx.redirect(location, HttpStatus.SEE_OTHER);
  }

  /** Sets the session cookie: HttpOnly, SameSite=Strict, Secure when the request came by https. */
  static void setSessionCookie(Context ctx, Session session) {
    ctx.res()
        .addHeader(
            "Set-Cookie",
            Sessions.COOKIE
                + "="
                + session.id()
                + "; Path=/; HttpOnly; SameSite=Strict"
                + (secure(ctx) ? "; Secure" : ""));
  }

  private static boolean secure(Context ctx) {
    return "https".equalsIgnoreCase(ctx.scheme());
  }

  private void loginForm(Context ctx) {
    if (access.isEmpty()) {
      ctx.redirect("/", HttpStatus.SEE_OTHER); // no access control: no login
      return;
    }
    showLogin(ctx, 200, safeNext(ctx.queryParam("next")), "", "");
  }

  private void showLogin(Context ctx, int status, String next, String user, String error) {
    String token = sessions.newToken();
    ctx.res()
        .addHeader(
            "Set-Cookie",
            LOGIN_COOKIE
                + "="
                + token
                + "; Path="
                + LOGIN
                + "; HttpOnly; SameSite=Strict; Max-Age=3600"
                + (secure(ctx) ? "; Secure" : ""));
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("token", token);
    params.put("next", next);
    params.put("user", user);
    params.put("error", error);
    TEMPLATES.answer(ctx, status, "login.jte", params);
  }

  private void login(Context ctx) {
    if (access.isEmpty()) {
      ctx.redirect("/", HttpStatus.SEE_OTHER);
      return;
    }
    String next = safeNext(ctx.formParam("next"));
    String user = Optional.ofNullable(ctx.formParam("user")).orElse("").trim();
    String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
    String formToken = ctx.formParam(Sessions.CSRF_FIELD);
    String cookieToken = ctx.cookie(LOGIN_COOKIE);
    if (formToken == null
        || cookieToken == null
        || !MessageDigest.isEqual(
            formToken.getBytes(StandardCharsets.UTF_8),
            cookieToken.getBytes(StandardCharsets.UTF_8))) {
      showLogin(ctx, 403, next, user, "The login form expired: log in again.");
      return;
    }
    if (user.isEmpty() || password.isEmpty()) {
      showLogin(ctx, 400, next, user, "Enter a user and a password.");
      return;
    }
    Access service = access.get();
    try {
      service.authenticatePassword(user, password, ctx.ip());
    } catch (TributaryException e) {
      audit.record(
          AuditEvent.of(
              service.clock().instant(),
              new Caller(user, ctx.ip()),
              "auth.console",
              "POST " + LOGIN,
              Outcome.FAILURE,
              e.getMessage() == null ? e.toString() : e.getMessage()));
      int status = e.errorCode().httpStatus();
      showLogin(
          ctx,
          status,
          next,
          user,
          status == 429
              ? "Too many failed logins: wait a while, then try again."
              : "Wrong user or password.");
      return;
    }
    audit.record(
        AuditEvent.of(
            service.clock().instant(),
            new Caller(user, ctx.ip()),
            "auth.console",
            "POST " + LOGIN,
            Outcome.SUCCESS,
            "password"));
    sessions.remove(ctx.cookie(Sessions.COOKIE)); // a new session id at each login (no fixation)
    setSessionCookie(ctx, sessions.create(user, service.credentialStamp(user)));
    ctx.res().addHeader("Set-Cookie", LOGIN_COOKIE + "=; Path=" + LOGIN + "; HttpOnly; Max-Age=0");
    ctx.redirect(next, HttpStatus.SEE_OTHER);
  }

  /** Ends the session on every node (it is deleted from the metadata database). */
  private void logout(Context ctx, Viewer viewer) {
    sessions.remove(ctx.cookie(Sessions.COOKIE));
    ctx.res()
        .addHeader(
            "Set-Cookie", Sessions.COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    ctx.redirect(access.isPresent() ? LOGIN : "/", HttpStatus.SEE_OTHER);
  }

  /** Where to go after login: a path of this site only (never {@code //host} or a URL). */
  static String safeNext(String next) {
    if (next == null
        || next.length() > 2000
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.startsWith("/\\")
        || next.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "/";
    }
    return next;
  }

  /** Answers an error of a console page as an HTML page. */
  static void errorPage(Context ctx, int status, String code, String message) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("status", status);
    params.put("code", code);
    params.put("message", message);
    TEMPLATES.answer(ctx, status, "error.jte", params);
  }
}
