package io.tributary.console;

import io.javalin.http.Context;

/** A console page or action: the request and who sent it. */
@FunctionalInterface
public interface PageHandler {
  void handle(Context ctx, Viewer viewer) throws Exception;
}
