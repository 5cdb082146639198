package io.tributary.console;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.batch.Batch;
import io.tributary.batch.CrawlRun;
import io.tributary.core.TableId;
import io.tributary.core.config.CrawlerSpec;
import io.tributary.core.config.FunctionSpec;
import io.tributary.core.config.StreamSpec;
import io.tributary.flow.FlowRun;
import io.tributary.flow.FlowSpec;
import io.tributary.flow.Flows;
import io.tributary.lake.Lake;
import io.tributary.query.QueryEngine;
import io.tributary.query.QueryResult;
import io.tributary.stream.DeliveryService;
import io.tributary.stream.DeliveryStatus;
import io.tributary.stream.StreamRegistry;
import io.tributary.stream.function.FunctionService;
import io.tributary.stream.function.FunctionStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The platform's health pages: home ({@code /}: events in per second, rows delivered, lag and
 * errors per stream, function dead letters, the last crawler and flow runs) and pipelines ({@code
 * /pipelines}: streams with a sample of their error rows, functions, crawler runs with their
 * per-file results, flows). Each shows only what the viewer may see: a stream with {@code ingest}
 * on it or {@code read} on its table, a function or crawler or flow with {@code run}.
 */
public final class StatusPages {
  /** How many error rows of each stream the pipelines page samples. */
  static final int ERROR_SAMPLE = 5;

  private static final Duration RATE_WINDOW = Duration.ofSeconds(60);

  /** The platform's services the pages read. */
  public record Services(
      StreamRegistry streams,
      DeliveryService delivery,
      FunctionService functions,
      Batch batch,
      Flows flows,
      Lake lake,
      QueryEngine query,
      MeterRegistry meters,
      Clock clock) {
    public Services {
      Objects.requireNonNull(streams, "streams is null");
      Objects.requireNonNull(delivery, "delivery is null");
      Objects.requireNonNull(functions, "functions is null");
      Objects.requireNonNull(batch, "batch is null");
      Objects.requireNonNull(flows, "flows is null");
      Objects.requireNonNull(lake, "lake is null");
      Objects.requireNonNull(query, "query is null");
      Objects.requireNonNull(meters, "meters is null");
      Objects.requireNonNull(clock, "clock is null");
    }
  }

  /** One stream's delivery. */
  public record StreamRow(
      String name,
      String table,
      String state,
      long delivered,
      long errors,
      long errorTableRows,
      long lag,
      long buffered,
      String lastCommit,
      String lastError,
      List<ErrorRow> sample,
      String sampleProblem) {}

  /** One row of an error table. */
  public record ErrorRow(String code, String reason, String payload, String at) {}

  /** One function. */
  public record FunctionRow(
      String name,
      String topic,
      String type,
      String state,
      long processed,
      String throughput,
      long retries,
      long deadLetters,
      long lag,
      String lastError) {}

  /** One crawler and its last runs. */
  public record CrawlerRow(String name, String source, List<CrawlRun> runs) {
    public Optional<CrawlRun> last() {
      return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }
  }

  /** One flow and its last run. */
  public record FlowRow(String name, boolean paused, String schedule, Optional<FlowRun> lastRun) {}

  /** What the home page shows. */
  public record Home(
      String eventsPerSecond,
      long eventsIn,
      long delivered,
      long errors,
      long deadLetters,
      List<StreamRow> streams,
      List<FunctionRow> functions,
      List<CrawlerRow> crawlers,
      List<FlowRow> flows) {}

  private record Sample(Instant at, double total) {}

  private final Services services;
  private final Templates templates;
  private final Deque<Sample> samples = new ArrayDeque<>();

  public StatusPages(Services services, Templates templates) {
    this.services = Objects.requireNonNull(services, "services is null");
    this.templates = Objects.requireNonNull(templates, "templates is null");
  }

  /** {@code GET /}. */
  public void home(Context ctx, Viewer viewer) {
    List<StreamRow> streams = streams(viewer, false);
    List<FunctionRow> functions = functions(viewer);
    double eventsIn = eventsIn();
    OptionalDouble rate = rate(eventsIn);
    Home home =
        new Home(
            rate.isPresent() ? String.format("%.1f", rate.getAsDouble()) : "…",
            (long) eventsIn,
            streams.stream().mapToLong(StreamRow::delivered).sum(),
            streams.stream().mapToLong(StreamRow::errorTableRows).sum(),
            functions.stream().mapToLong(FunctionRow::deadLetters).sum(),
            streams,
            functions,
            crawlers(viewer, 1),
            flows(viewer));
    templates.answer(
        ctx, 200, "home.jte", Map.of("page", Page.of(ctx, "Home", "home"), "home", home));
  }

  /** {@code GET /pipelines}. */
  public void pipelines(Context ctx, Viewer viewer) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("page", Page.of(ctx, "Pipelines", "pipelines"));
    params.put("streams", streams(viewer, true));
    params.put("functions", functions(viewer));
    params.put("crawlers", crawlers(viewer, 5));
    params.put("flows", flows(viewer));
    templates.answer(ctx, 200, "pipelines.jte", params);
  }

  /** Records taken in by every stream since start (the ingest counters). */
  private double eventsIn() {
    return services.meters().find("tributary.records.in").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  /** Events per second over the last minute of page views; empty until two samples are apart. */
  private synchronized OptionalDouble rate(double total) {
    Instant now = services.clock().instant();
    samples.addLast(new Sample(now, total));
    while (samples.size() > 2 && samples.peekFirst().at().isBefore(now.minus(RATE_WINDOW))) {
      samples.removeFirst();
    }
    Sample first = samples.peekFirst();
    double seconds = Duration.between(first.at(), now).toMillis() / 1000.0;
    if (seconds < 1) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((total - first.total()) / seconds);
  }

  private boolean seesStream(Viewer viewer, StreamSpec spec) {
    return viewer.allows(Privilege.INGEST, new Resource(ResourceKind.STREAM, spec.name()))
        || viewer.allows(Privilege.READ, Resource.table(spec.table()));
  }

  private List<StreamRow> streams(Viewer viewer, boolean withSample) {
    Set<TableId> tables = Set.copyOf(services.lake().listTables());
    List<StreamRow> rows = new ArrayList<>();
    for (StreamSpec spec : services.streams().list()) {
      if (!seesStream(viewer, spec)) {
        continue;
      }
      Optional<DeliveryStatus> status = services.delivery().status(spec.name());
      TableId errorTable = spec.table().errors();
      boolean hasErrors = tables.contains(errorTable);
      long errorRows = hasErrors ? errorRows(errorTable) : 0;
      List<ErrorRow> sample = List.of();
      String problem = "";
      if (withSample && hasErrors && errorRows > 0) {
        if (viewer.allows(Privilege.READ, Resource.table(errorTable))) {
          try {
            sample = sample(errorTable, viewer);
          } catch (RuntimeException e) {
            problem = "Cannot read " + errorTable + ": " + e.getMessage();
          }
        } else {
          problem = "You may not read " + errorTable + ".";
        }
      }
      rows.add(
          new StreamRow(
              spec.name(),
              spec.table().toString(),
              status.map(s -> s.state().name().toLowerCase(java.util.Locale.ROOT)).orElse("—"),
              status.map(DeliveryStatus::delivered).orElse(0L),
              status.map(DeliveryStatus::errors).orElse(0L),
              errorRows,
              status.map(DeliveryStatus::lag).orElse(0L),
              status.map(DeliveryStatus::buffered).orElse(0L),
              status.map(DeliveryStatus::lastCommitAt).map(Instant::toString).orElse("—"),
              status.map(DeliveryStatus::lastError).orElse(""),
              sample,
              problem));
    }
    return rows;
  }

  private long errorRows(TableId table) {
    try {
      return services.lake().describe(table).totalRows();
    } catch (RuntimeException e) {
      return 0; // dropped meanwhile
    }
  }

  private List<ErrorRow> sample(TableId table, Viewer viewer) {
    QueryResult result =
        services
            .query()
            .execute(
                "SELECT code, reason, payload, _ingested_at FROM "
                    + table
                    + " ORDER BY _ingested_at DESC LIMIT "
                    + ERROR_SAMPLE,
                t -> viewer.allows(Privilege.READ, Resource.table(t)));
    List<ErrorRow> rows = new ArrayList<>();
    for (List<Object> row : result.rows()) {
      rows.add(
          new ErrorRow(text(row.get(0)), text(row.get(1)), text(row.get(2)), text(row.get(3))));
    }
    return rows;
  }

  private static String text(Object value) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    return text.length() > 500 ? text.substring(0, 500) + "…" : text;
  }

  private List<FunctionRow> functions(Viewer viewer) {
    List<FunctionRow> rows = new ArrayList<>();
    for (FunctionSpec spec : services.functions().list()) {
      if (!viewer.allows(Privilege.RUN, new Resource(ResourceKind.FUNCTION, spec.name()))) {
        continue;
      }
      Optional<FunctionStatus> status = services.functions().status(spec.name());
      rows.add(
          new FunctionRow(
              spec.name(),
              status.map(FunctionStatus::topic).orElse(""),
              status.map(s -> s.type().name().toLowerCase(java.util.Locale.ROOT)).orElse(""),
              status.map(s -> s.state().name().toLowerCase(java.util.Locale.ROOT)).orElse("—"),
              status.map(FunctionStatus::processed).orElse(0L),
              status.map(s -> String.format("%.1f/s", s.throughput())).orElse("—"),
              status.map(FunctionStatus::retries).orElse(0L),
              status.map(FunctionStatus::deadLetters).orElse(0L),
              status.map(FunctionStatus::lag).orElse(0L),
              status.map(FunctionStatus::lastError).orElse("")));
    }
    return rows;
  }

  private List<CrawlerRow> crawlers(Viewer viewer, int runs) {
    List<CrawlerRow> rows = new ArrayList<>();
    for (CrawlerSpec spec : services.batch().registry().list()) {
      if (!viewer.allows(Privilege.RUN, new Resource(ResourceKind.CRAWLER, spec.name()))) {
        continue;
      }
      rows.add(
          new CrawlerRow(
              spec.name(),
              String.valueOf(spec.source()),
              services.batch().crawlers().runs(spec.name(), runs)));
    }
    return rows;
  }

  private List<FlowRow> flows(Viewer viewer) {
    return services.flows().list().stream()
        .filter(f -> viewer.allows(Privilege.RUN, new Resource(ResourceKind.FLOW, f.name())))
        .map(this::flowRow)
        .collect(Collectors.toList());
  }

  private FlowRow flowRow(FlowSpec spec) {
    List<FlowRun> last = services.flows().runs(spec.name(), 1);
    return new FlowRow(
        spec.name(),
        services.flows().isPaused(spec.name()),
        spec.schedule().map(s -> s.text()).orElse("—"),
        last.isEmpty() ? Optional.empty() : Optional.of(last.get(0)));
  }
}
