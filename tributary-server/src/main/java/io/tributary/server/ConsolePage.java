package io.tributary.server;

import io.javalin.security.RouteRole;

/**
 * Marks a route as a console page (beside its {@link Requires}): {@link AccessGate} then also
 * accepts the console's session cookie, sends a browser without one to the login form, checks the
 * CSRF token of state-changing requests, and puts the {@link io.tributary.console.Viewer} on the
 * request; errors answer as HTML. Register pages with {@link ConsoleRoutes#page} and {@link
 * ConsoleRoutes#action}, which add it.
 */
enum ConsolePage implements RouteRole {
  PAGE
}
