/**
 * The browser console: server-side rendered pages at {@code http://host:7070/} on the platform's
 * HTTP port. This module holds the pages (handlers and templates), the login sessions and their
 * CSRF tokens ({@link io.tributary.console.Sessions}) and the web assets ({@link
 * io.tributary.console.Assets}); tributary-server routes them ({@code ConsoleRoutes}) and checks
 * access ({@code AccessGate}).
 *
 * <h2>How to add a page</h2>
 *
 * <ol>
 *   <li><b>Template.</b> Put it in {@code tributary-console/src/main/jte/<area>/<name>.jte} (e.g.
 *       {@code sql/editor.jte}); the build compiles it to Java (jte-maven-plugin, {@code
 *       ContentType.Html}: every {@code ${...}} is escaped for where it stands, so never use {@code
 *       $unsafe{...}}). Wrap it in the layout, which draws the header, the navigation and the user:
 *       <pre>
 * &#64;import io.tributary.console.Page
 * &#64;param Page page
 * &#64;param java.util.List&lt;String&gt; rows
 * &#64;template.layout(page = page, content = &#64;`
 *   &lt;ul&gt;&#64;for(String row : rows)&lt;li&gt;${row}&lt;/li&gt;&#64;endfor&lt;/ul&gt;
 * `)
 * </pre>
 *       The pages' Content-Security-Policy allows scripts from the platform's own files only: no
 *       inline {@code <script>} or {@code onclick}; put page scripts in {@code
 *       src/main/resources/io/tributary/console/assets/} (served as {@code /assets/<name>}) and
 *       pass data in {@code data-} attributes. A chart is {@code <div class="chart"
 *       data-chart="${optionJson}">} plus {@code <script src="/assets/echarts/echarts.min.js"
 *       defer>}: {@code console.js} draws it. A webjar is served once added to {@code
 *       Assets.WEBJARS} and the module's pom.
 *   <li><b>Handler.</b> A class in this module (e.g. {@code io.tributary.console.sql.SqlPages})
 *       taking the platform's services in its constructor, with one {@link
 *       io.tributary.console.PageHandler} method per page: {@code (ctx, viewer) ->
 *       templates.answer(ctx, 200, "sql/editor.jte", Map.of("page", Page.of(ctx, "SQL", "sql"),
 *       ...))} ({@link io.tributary.console.Templates#answer}; the section names the header link
 *       that is highlighted).
 *   <li><b>Registration, with its {@code Requires}.</b> In tributary-server, where the routes are
 *       assembled ({@code Platform}'s route list, or {@code ConsoleRoutes.register}): {@code
 *       ConsoleRoutes.page(routes, "/sql", pages::editor, Requires.authenticated())} for a GET,
 *       {@code ConsoleRoutes.action(routes, "/sql/run", pages::run, Requires.authenticated())} for
 *       a state-changing POST. Use the same {@code Requires} as the JSON API's route for the same
 *       thing (e.g. {@code Requires.on(Privilege.RUN, ResourceKind.FLOW, "name")}); pages that list
 *       things filter them with {@link io.tributary.console.Viewer#allows}. Both helpers mark the
 *       route as a console page: the gate accepts the session cookie (or an {@code Authorization}
 *       header, for scripts), sends a browser without a session to {@code /login}, checks the CSRF
 *       token of POSTs, and answers errors as an HTML page.
 *   <li><b>Identity.</b> {@link io.tributary.console.Viewer#of(io.javalin.http.Context)} (also the
 *       handler's second argument): the user, the CSRF token, whether access control is on, and the
 *       user's grants.
 *   <li><b>CSRF.</b> Every state-changing request of a session carries its token: in a form, {@code
 *       <input type="hidden" name="_csrf" value="${page.viewer().csrfToken()}">}; htmx requests get
 *       the header {@code X-CSRF-Token} from {@code console.js} (read from the layout's {@code
 *       <meta name="csrf-token">}). Without it the gate answers 403. GET handlers never change
 *       anything.
 *   <li><b>Browser test.</b> An IT in tributary-server ({@code io.tributary.server}, so it can use
 *       {@code TestConfigs}) with {@code io.tributary.server.console.Browser}: {@code
 *       Browser.open(platform.httpUri())}, {@code .login("admin",
 *       platform.adminCredentials().password())}, {@code .get("/sql")}, {@code .screenshot("sql")}
 *       (to {@code target/screenshots/}), {@code .assertNoConsoleErrors()}; {@code .phone()} for a
 *       phone's width, {@code .timing()} for navigation timing. It drives the system's headless
 *       Chromium ({@code /usr/bin/chromedriver}); see {@code ConsoleIT}.
 * </ol>
 */
package io.tributary.console;
