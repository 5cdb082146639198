package io.tributary.dashboards;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values a dashboard's filters take for one request: each filter's value from the request (its
 * name as a query parameter) or its default, turned into the values bound to the placeholders:
 * {@code $start}/{@code $end} as {@link OffsetDateTime} (UTC) for the date range, the text as it is
 * for the others.
 */
public final class FilterValues {
  private static final Pattern RELATIVE = Pattern.compile("(\\d{1,6})(m|h|d|w)");
  static final int MAX_VALUE_LENGTH = 1000;

  private final Map<String, String> chosen;
  private final Map<String, Object> bound;

  private FilterValues(Map<String, String> chosen, Map<String, Object> bound) {
    this.chosen = chosen;
    this.bound = bound;
  }

  /**
   * The values of {@code dashboard}'s filters given the request's {@code values} (unknown names
   * ignored, a missing or empty value meaning the default), at {@code now}.
   *
   * @throws InvalidInputException {@code invalid_request} naming the filter and value
   */
  public static FilterValues of(Dashboard dashboard, Map<String, String> values, Instant now) {
    Map<String, String> chosen = new LinkedHashMap<>();
    Map<String, Object> bound = new LinkedHashMap<>();
    for (Dashboard.Filter filter : dashboard.filters()) {
      String value = values.getOrDefault(filter.name(), "");
      value = value == null || value.isEmpty() ? filter.defaultValue() : value;
      if (value.length() > MAX_VALUE_LENGTH) {
        throw new InvalidInputException(
            ErrorCode.INVALID_REQUEST,
            "Filter '"
                + filter.name()
                + "': value longer than "
                + MAX_VALUE_LENGTH
                + " characters");
      }
      chosen.put(filter.name(), value);
      if (filter.type() == FilterType.DATE_RANGE) {
        OffsetDateTime[] range;
        try {
          range = parseRange(value, now);
        } catch (IllegalArgumentException e) {
          throw new InvalidInputException(
              ErrorCode.INVALID_REQUEST, "Filter '" + filter.name() + "': " + e.getMessage());
        }
        bound.put("start", range[0]);
        bound.put("end", range[1]);
      } else {
        bound.put(filter.name(), value);
      }
    }
    return new FilterValues(chosen, bound);
  }

  /** Each filter's value as chosen (or defaulted), by filter name. */
  public Map<String, String> chosen() {
    return Map.copyOf(chosen);
  }

  /** The parameters of {@code sql}, in order: the value of each of its placeholders. */
  public List<Object> parameters(TileSql sql) {
    List<Object> parameters = new ArrayList<>(sql.names().size());
    for (String name : sql.names()) {
      if (!bound.containsKey(name)) {
        throw new DashboardDefinitionException("Unknown filter referenced: $" + name);
      }
      parameters.add(bound.get(name));
    }
    return parameters;
  }

  /**
   * A date range: {@code <n>m|h|d|w} (the last n minutes, hours, days, weeks before {@code now}) or
   * {@code <start>..<end>}, each an ISO instant ({@code 2026-12-01T08:00:00Z}) or date (a start
   * date from its first instant, an end date to its last, UTC).
   *
   * @throws IllegalArgumentException naming the value when it is none of these or ends before it
   *     starts
   */
  static OffsetDateTime[] parseRange(String value, Instant now) {
    Matcher relative = RELATIVE.matcher(value);
    OffsetDateTime end = now.atOffset(ZoneOffset.UTC);
    if (relative.matches()) {
      long n = Long.parseLong(relative.group(1));
      Duration length =
          switch (relative.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
          };
      return new OffsetDateTime[] {end.minus(length), end};
    }
    int dots = value.indexOf("..");
    if (dots < 0) {
      throw new IllegalArgumentException(
          "invalid date range '" + value + "': use e.g. 1h, 7d or 2026-12-01..2026-12-05");
    }
    OffsetDateTime start = instant(value.substring(0, dots), false, value);
    OffsetDateTime stop = instant(value.substring(dots + 2), true, value);
    if (!stop.isAfter(start)) {
      throw new IllegalArgumentException(
          "invalid date range '" + value + "': it ends before it starts");
    }
    return new OffsetDateTime[] {start, stop};
  }

  private static OffsetDateTime instant(String text, boolean end, String whole) {
    try {
      if (text.length() == 10) {
        LocalDate date = LocalDate.parse(text);
        return (end ? date.plusDays(1) : date).atStartOfDay().atOffset(ZoneOffset.UTC);
      }
      return OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "invalid date range '" + whole + "': '" + text + "' is not an ISO date or instant");
    }
  }
}
