package io.tributary.amp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The simulated users: each user's device, place and habits follow from the seed and the user's
 * index alone, so users cost no memory until they act. Not thread-safe. A few users are heavy
 * users, chosen far more often; everyone listens mostly in the evening of their own time zone.
 */
final class Population {
  /** A user's phone or browser. */
  record Device(String os, String osVersion, String appVersion, String model) {
    ObjectNode toJson() {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("os", os);
      node.put("os_version", osVersion);
      node.put("app_version", appVersion);
      node.put("model", model);
      return node;
    }
  }

  /** Where a user listens from, with the typical network latency from there. */
  record Geo(String country, String region, String city, ZoneId zone, int latencyMs) {
    ObjectNode toJson() {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("country", country);
      node.put("region", region);
      node.put("city", city);
      node.put("tz", zone.getId());
      return node;
    }
  }

  /** A user; {@code index} is zero-based, the id one-based ({@code u_000001} is index 0). */
  record User(int index, String id, Device device, Geo geo, boolean heavy) {}

  private static final double HEAVY_SHARE = 0.05;
  private static final double HEAVY_PICK_SHARE = 0.35;
  private static final int PICK_ATTEMPTS = 16;

  /** How active users are at each local hour, from 0 (asleep) to 1 (evening peak). */
  private static final double[] ACTIVITY_BY_HOUR = {
    0.35, 0.2, 0.12, 0.08, 0.08, 0.12, 0.25, 0.45, 0.55, 0.5, 0.45, 0.5, //
    0.6, 0.55, 0.5, 0.5, 0.55, 0.65, 0.8, 0.95, 1.0, 1.0, 0.85, 0.6
  };

  private static final Weighted<Geo> GEOS =
      Weighted.of(
          List.of(
              geo("US", "CA", "Los Angeles", "America/Los_Angeles", 40),
              geo("US", "CA", "San Francisco", "America/Los_Angeles", 35),
              geo("US", "WA", "Seattle", "America/Los_Angeles", 40),
              geo("US", "NY", "New York", "America/New_York", 30),
              geo("US", "FL", "Miami", "America/New_York", 45),
              geo("US", "IL", "Chicago", "America/Chicago", 35),
              geo("US", "TX", "Austin", "America/Chicago", 40),
              geo("CA", "ON", "Toronto", "America/Toronto", 40),
              geo("MX", "CMX", "Mexico City", "America/Mexico_City", 80),
              geo("BR", "SP", "Sao Paulo", "America/Sao_Paulo", 120),
              geo("GB", "ENG", "London", "Europe/London", 25),
              geo("DE", "BE", "Berlin", "Europe/Berlin", 30),
              geo("FR", "IDF", "Paris", "Europe/Paris", 30),
              geo("ES", "MD", "Madrid", "Europe/Madrid", 40),
              geo("NL", "NH", "Amsterdam", "Europe/Amsterdam", 25),
              geo("NG", "LA", "Lagos", "Africa/Lagos", 180),
              geo("IN", "MH", "Mumbai", "Asia/Kolkata", 150),
              geo("IN", "KA", "Bengaluru", "Asia/Kolkata", 150),
              geo("JP", "13", "Tokyo", "Asia/Tokyo", 110),
              geo("KR", "11", "Seoul", "Asia/Seoul", 120),
              geo("SG", "01", "Singapore", "Asia/Singapore", 130),
              geo("AU", "NSW", "Sydney", "Australia/Sydney", 160)),
          9,
          5,
          3,
          10,
          3,
          5,
          4,
          3,
          3,
          5,
          7,
          4,
          3,
          2,
          2,
          2,
          4,
          3,
          3,
          2,
          1,
          2);

  private static final Weighted<String> OS =
      Weighted.of(List.of("ios", "android", "web"), 45, 40, 15);
  private static final Weighted<String> IOS_VERSIONS =
      Weighted.of(List.of("17.4", "17.5", "18.1", "16.7"), 30, 30, 25, 15);
  private static final Weighted<String> IOS_MODELS =
      Weighted.of(
          List.of("iPhone 15 Pro", "iPhone 15", "iPhone 14", "iPhone 13", "iPhone SE", "iPad Air"),
          20,
          20,
          20,
          20,
          10,
          10);
  private static final Weighted<String> ANDROID_VERSIONS =
      Weighted.of(List.of("14", "13", "12", "11"), 40, 30, 20, 10);
  private static final Weighted<String> ANDROID_MODELS =
      Weighted.of(
          List.of("Pixel 8", "Galaxy S23", "Galaxy A54", "OnePlus 11", "Redmi Note 12", "Moto G84"),
          15,
          25,
          25,
          10,
          15,
          10);
  private static final Weighted<String> WEB_VERSIONS =
      Weighted.of(List.of("macOS 14", "Windows 11", "Windows 10", "Linux"), 35, 35, 25, 5);
  private static final Weighted<String> WEB_MODELS =
      Weighted.of(List.of("Chrome 124", "Safari 17", "Firefox 125", "Edge 124"), 55, 25, 10, 10);
  private static final Weighted<String> APP_VERSIONS =
      Weighted.of(List.of("5.12.0", "5.11.2", "5.10.1", "5.9.0"), 50, 30, 15, 5);

  private final long seed;
  private final int size;
  private final int[] heavyUsers;
  private final Map<ZoneId, Double> activityByZone = new HashMap<>();
  private Instant activityAt;

  Population(long seed, int size) {
    this.seed = seed;
    this.size = size;
    this.heavyUsers = findHeavyUsers();
  }

  User user(int index) {
    SplittableRandom random = randomFor(index);
    boolean heavy = random.nextDouble() < HEAVY_SHARE;
    Geo geo = GEOS.pick(random);
    String os = OS.pick(random);
    Device device =
        switch (os) {
          case "ios" ->
              new Device(
                  os,
                  IOS_VERSIONS.pick(random),
                  APP_VERSIONS.pick(random),
                  IOS_MODELS.pick(random));
          case "android" ->
              new Device(
                  os,
                  ANDROID_VERSIONS.pick(random),
                  APP_VERSIONS.pick(random),
                  ANDROID_MODELS.pick(random));
          default ->
              new Device(
                  os,
                  WEB_VERSIONS.pick(random),
                  APP_VERSIONS.pick(random),
                  WEB_MODELS.pick(random));
        };
    return new User(index, Ids.user(index + 1), device, geo, heavy);
  }

  /**
   * Picks a user to start listening at {@code ts}: heavy users often, users for whom it is evening
   * more than users for whom it is night, and users not already listening ({@code busy}) unless
   * nobody else turns up.
   */
  User pickListener(SplittableRandom random, Instant ts, BitSet busy) {
    int index = 0;
    for (int attempt = 0; attempt < PICK_ATTEMPTS; attempt++) {
      index =
          heavyUsers.length > 0 && random.nextDouble() < HEAVY_PICK_SHARE
              ? heavyUsers[random.nextInt(heavyUsers.length)]
              : random.nextInt(size);
      if (!busy.get(index) && random.nextDouble() < activity(geoOf(index), ts)) {
        break;
      }
    }
    return user(index);
  }

  /** The user's place, drawn as {@link #user} draws it, without the rest of the user. */
  private Geo geoOf(int index) {
    SplittableRandom random = randomFor(index);
    random.nextDouble();
    return GEOS.pick(random);
  }

  /** How active people at {@code geo} are at {@code ts}, from 0 to 1. */
  private double activity(Geo geo, Instant ts) {
    if (!ts.equals(activityAt)) {
      activityAt = ts;
      activityByZone.clear();
    }
    return activityByZone.computeIfAbsent(
        geo.zone(), zone -> ACTIVITY_BY_HOUR[ts.atZone(zone).getHour()]);
  }

  private int[] findHeavyUsers() {
    return IntStream.range(0, size)
        .filter(index -> randomFor(index).nextDouble() < HEAVY_SHARE)
        .toArray();
  }

  private SplittableRandom randomFor(int index) {
    return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (index + 1L)));
  }

  private static Geo geo(String country, String region, String city, String tz, int latencyMs) {
    return new Geo(country, region, city, ZoneId.of(tz), latencyMs);
  }
}
