package io.tributary.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.tributary.core.ComponentState;
import io.tributary.core.config.FunctionSpec;
import java.io.IOException;
import java.util.Locale;

/**
 * How the platform's enums read in JSON: lower case, words joined by {@code -} ({@code running},
 * {@code http-enrich}). The only place they are lower-cased.
 */
final class JsonEnums {
  private JsonEnums() {}

  static SimpleModule module() {
    SimpleModule module = new SimpleModule("tributary-enums");
    module.addSerializer(ComponentState.class, new LowerCase<>(ComponentState.class));
    module.addSerializer(FunctionSpec.Type.class, new LowerCase<>(FunctionSpec.Type.class));
    return module;
  }

  /** The wire name of {@code value}: {@code HTTP_ENRICH} is {@code http-enrich}. */
  static String wireName(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static final class LowerCase<E extends Enum<E>> extends StdSerializer<E> {
    private static final long serialVersionUID = 1L;

    LowerCase(Class<E> type) {
      super(type);
    }

    @Override
    public void serialize(E value, JsonGenerator json, SerializerProvider provider)
        throws IOException {
      json.writeString(wireName(value));
    }
  }
}
