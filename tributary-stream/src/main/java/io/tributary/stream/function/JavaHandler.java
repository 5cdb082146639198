package io.tributary.stream.function;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.config.FunctionSpec;
import io.tributary.spi.Assignments;
import io.tributary.spi.RecordFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java}: runs a {@link RecordFunction}, each attempt on a worker thread so that the
 * function's {@code timeout} holds even for code that never returns (it is interrupted). The
 * message goes in, and the results come out, as plain Java values (maps, lists, scalars): the SPI
 * has no JSON library in it. Each attempt gets a fresh copy, so a retry sees the original message.
 */
final class JavaHandler implements Handler {
  private static final Logger LOG = LoggerFactory.getLogger(JavaHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final FunctionSpec spec;
  private final RecordFunction function;
  private final ExecutorService workers;
  private final Supplier<Assignments> assignments;

  JavaHandler(FunctionSpec spec, RecordFunction function) throws Exception {
    this(spec, function, () -> Assignments.NONE);
  }

  JavaHandler(FunctionSpec spec, RecordFunction function, Supplier<Assignments> assignments)
      throws Exception {
    this.spec = spec;
    this.assignments = assignments;
    this.function = function;
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread thread = new Thread(r, "function-" + spec.name() + "-java");
              thread.setDaemon(true);
              return thread;
            });
    try {
      function.open(context(1));
    } catch (Exception e) {
      workers.shutdownNow();
      throw e;
    }
  }

  private RecordFunction.Context context(int attempt) {
    return new RecordFunction.Context() {
      @Override
      public String functionName() {
        return spec.name();
      }

      @Override
      public Map<String, String> options() {
        return spec.options();
      }

      @Override
      public String topic() {
        return spec.topic();
      }

      @Override
      public int attempt() {
        return attempt;
      }

      @Override
      public Assignments assignments() {
        return assignments.get();
      }
    };
  }

  @Override
  public List<Emit> handle(ObjectNode message, int attempt) throws Exception {
    Map<String, Object> input = JSON.convertValue(message, MAP);
    Future<List<Map<String, Object>>> call =
        workers.submit(() -> function.apply(input, context(attempt)));
    List<Map<String, Object>> results;
    try {
      results = call.get(spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new RetriableFailureException(
          "timeout", spec.className() + " did not return within " + spec.timeout(), null);
    } catch (InterruptedException e) {
      call.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
    List<Emit> emits = new ArrayList<>();
    if (results != null) {
      for (Map<String, Object> result : results) {
        if (result != null) {
          emits.add(new Emit(spec.emitTo(), JSON.valueToTree(result)));
        }
      }
    }
    return emits;
  }

  @Override
  public void close() {
    workers.shutdownNow();
    try {
      function.close();
    } catch (Exception e) {
      LOG.warn("Function {}: {}.close() failed: {}", spec.name(), spec.className(), e.toString());
    }
  }
}
