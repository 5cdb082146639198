package io.tributary.experiments;

/** Experiment definitions for tests. */
final class Specs {
  private Specs() {}

  static final String FOLLOWS =
      """
      name: shows
      description: recommended-shows list on the home screen
      variants:
        - name: control
          weight: 0.5
        - name: recommended
          weight: 0.5
      minimum-detectable-effect: 0.03
      metrics:
        - name: follow_rate
          kind: conversion
          sql: SELECT user_id AS unit, ts FROM raw.follows
          window: 7d
        - name: listen_minutes
          kind: mean
          sql: SELECT user_id AS unit, minutes AS value FROM raw.listens
          covariate: SELECT user_id AS unit, minutes AS value FROM raw.listens_before
      guardrails:
        - name: likes_per_listen
          kind: ratio
          sql: SELECT user_id AS unit, likes AS numerator, 1 AS denominator FROM raw.listens
      """;

  static ExperimentSpec follows() {
    return new ExperimentParser(ExperimentParser.LakeCheck.NONE).parse(FOLLOWS, "test", null);
  }
}
