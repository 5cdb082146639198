package io.tributary.core.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The cross-checks of the {@code topics:} and {@code functions:} sections against each other. */
final class Functions {
  private Functions() {}

  /**
   * Fails naming the key when a name is declared twice, a topic shares a stream's name, or a
   * function subscribes to a topic that is neither declared in {@code topics} nor a stream.
   */
  static void check(
      List<StreamSpec> streams, List<TopicSpec> topics, List<FunctionSpec> functions) {
    Set<String> streamNames = new HashSet<>();
    streams.forEach(s -> streamNames.add(s.name()));
    Set<String> topicNames = new HashSet<>();
    for (int i = 0; i < topics.size(); i++) {
      String name = topics.get(i).name();
      if (!topicNames.add(name)) {
        throw ConfigException.invalid("topics[" + i + "].name", name, "topic declared twice");
      }
      if (streamNames.contains(name)) {
        throw ConfigException.invalid(
            "topics[" + i + "].name",
            name,
            "a stream has this name; topics and streams share" + " Kafka topic names");
      }
    }
    Set<String> functionNames = new HashSet<>();
    for (int i = 0; i < functions.size(); i++) {
      FunctionSpec function = functions.get(i);
      if (!functionNames.add(function.name())) {
        throw ConfigException.invalid(
            "functions[" + i + "].name", function.name(), "function declared twice");
      }
      if (!topicNames.contains(function.topic()) && !streamNames.contains(function.topic())) {
        throw ConfigException.invalid(
            "functions[" + i + "].topic",
            function.topic(),
            "no such topic: declare it under topics (known topics: "
                + new java.util.TreeSet<>(topicNames)
                + ")");
      }
      if (topicNames.contains(function.deadLetterStream())) {
        throw ConfigException.invalid(
            "functions[" + i + "].name",
            function.name(),
            "its dead-letter stream " + function.deadLetterStream() + " is declared as a topic");
      }
    }
  }

  /** Fails naming the key when an http-enrich function's URL or secrets break the egress policy. */
  static void checkEgress(List<FunctionSpec> functions, EgressPolicy egress) {
    for (int i = 0; i < functions.size(); i++) {
      FunctionSpec function = functions.get(i);
      if (function.http() == null) {
        continue;
      }
      int index = i;
      egress
          .checkTemplate(function.http().url(), function.http().headers())
          .ifPresent(
              denial -> {
                throw ConfigException.invalid(
                    "functions[" + index + "].url",
                    function.http().url(),
                    denial.rule() + ": " + denial.message());
              });
    }
  }
}
