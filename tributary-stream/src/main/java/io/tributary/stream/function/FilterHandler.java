package io.tributary.stream.function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.config.FunctionSpec;
import java.util.List;

/** {@code filter}: passes on the messages satisfying {@code where}; {@code route}: first match. */
final class FilterHandler implements Handler {
  private final FunctionSpec spec;

  FilterHandler(FunctionSpec spec) {
    this.spec = spec;
  }

  @Override
  public List<Emit> handle(ObjectNode message, int attempt) {
    if (spec.type() == FunctionSpec.Type.FILTER) {
      return spec.where().predicate().test(message)
          ? List.of(new Emit(spec.emitTo(), message))
          : List.of();
    }
    for (FunctionSpec.Route route : spec.routes()) {
      if (route.when().predicate().test(message)) {
        return List.of(new Emit(route.emitTo(), message));
      }
    }
    return spec.emitTo() == null ? List.of() : List.of(new Emit(spec.emitTo(), message));
  }
}
