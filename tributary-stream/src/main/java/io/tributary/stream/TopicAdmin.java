package io.tributary.stream;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.RetriableException;
import io.tributary.core.config.Replication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Creates and adjusts the platform's Kafka topics: partitions only grow, the record size limit only
 * rises, and a new topic's replication is sized on the cluster's registered brokers ({@link
 * Replication#resolve}), never smaller because a broker is down.
 */
final class TopicAdmin {
  private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration VISIBLE_POLL = Duration.ofMillis(20);

  private final Admin admin;

  TopicAdmin(Admin admin) {
    this.admin = admin;
  }

  /** How many brokers are registered, and how many of them are up (not fenced). */
  record Brokers(int registered, int up) {}

  Brokers brokers() {
    KafkaFuture<Collection<Node>> nodes =
        admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true)).nodes();
    try {
      Collection<Node> all = StreamLog.await(nodes, "describe the cluster");
      return new Brokers(all.size(), (int) all.stream().filter(node -> !node.isFenced()).count());
    } catch (UnsupportedVersionException olderBrokers) {
      // brokers before Kafka 4.0 list only the brokers that are up
      int up = StreamLog.await(admin.describeCluster().nodes(), "describe the cluster").size();
      return new Brokers(up, up);
    }
  }

  /**
   * Creates topic {@code name} ({@code what} names it in errors) or brings an existing one up to
   * {@code partitions} and {@code topicMaxBytes}, with {@code replication}.
   */
  void ensure(
      String what, String name, int partitions, long topicMaxBytes, Replication replication) {
    Map<String, String> configs = new HashMap<>();
    configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(topicMaxBytes));
    TopicDescription description = describeIfExists(name);
    if (description == null) {
      Brokers brokers = brokers();
      Replication resolved = replication.resolve(brokers.registered());
      if (resolved.factor() > brokers.registered()) {
        throw new InvalidInputException(
            ErrorCode.INVALID_REPLICATION,
            "Cannot create "
                + what
                + " with replication-factor "
                + resolved.factor()
                + ": the Kafka cluster has "
                + brokers.registered()
                + " broker(s); lower it or add brokers");
      }
      if (resolved.factor() > brokers.up()) {
        // never a lower factor than the cluster's size calls for, just because a broker is down
        throw new RetriableException(
            ErrorCode.BROKER_UNAVAILABLE,
            "Cannot create "
                + what
                + " with replication-factor "
                + resolved.factor()
                + " now: only "
                + brokers.up()
                + " of the Kafka cluster's "
                + brokers.registered()
                + " brokers are up; retry once they are back",
            null);
      }
      configs.put(
          TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(resolved.minInsyncReplicas()));
      NewTopic topic =
          new NewTopic(name, Optional.of(partitions), Optional.of((short) resolved.factor()))
              .configs(configs);
      try {
        StreamLog.await(admin.createTopics(List.of(topic)).all(), "create topic " + name);
        awaitVisible(name, partitions);
        return;
      } catch (TopicExistsException raced) {
        description = awaitVisible(name, 1);
      }
    }
    int factor = description.partitions().get(0).replicas().size();
    if (replication.factor() > 0 && replication.factor() != factor) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REPLICATION,
          "Cannot change the replication-factor of "
              + what
              + " from "
              + factor
              + " to "
              + replication.factor()
              + ": reassign its partitions with Kafka's tools, or leave replication-factor as it"
              + " is");
    }
    if (replication.minInsyncReplicas() > factor) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REPLICATION,
          "Cannot set min-insync-replicas of "
              + what
              + " to "
              + replication.minInsyncReplicas()
              + ": its topic has "
              + factor
              + " replicas");
    }
    if (description.partitions().size() < partitions) {
      StreamLog.await(
          admin.createPartitions(Map.of(name, NewPartitions.increaseTo(partitions))).all(),
          "add partitions to topic " + name);
      awaitVisible(name, partitions);
    }
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
    Config current =
        StreamLog.await(admin.describeConfigs(List.of(resource)).all(), "describe topic " + name)
            .get(resource);
    List<AlterConfigOp> changes = new ArrayList<>();
    ConfigEntry maxBytes = current.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    if (maxBytes == null || Long.parseLong(maxBytes.value()) < topicMaxBytes) {
      changes.add(set(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(topicMaxBytes)));
    }
    ConfigEntry minInsync = current.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
    String wanted = Integer.toString(replication.minInsyncReplicas());
    if (replication.minInsyncReplicas() > 0
        && (minInsync == null || !minInsync.value().equals(wanted))) {
      changes.add(set(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, wanted));
    }
    if (!changes.isEmpty()) {
      StreamLog.await(
          admin.incrementalAlterConfigs(Map.of(resource, changes)).all(),
          "configure topic " + name);
    }
  }

  private static AlterConfigOp set(String key, String value) {
    return new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
  }

  /**
   * Waits until the brokers' metadata shows the topic with at least {@code partitions} partitions:
   * the controller has the change when the admin call returns, the brokers a moment later, and the
   * caller's next step (produce, list offsets) asks a broker.
   */
  private TopicDescription awaitVisible(String name, int partitions) {
    long deadline = System.nanoTime() + VISIBLE_TIMEOUT.toNanos();
    while (true) {
      TopicDescription description = describeIfExists(name);
      if (description != null && description.partitions().size() >= partitions) {
        return description;
      }
      if (System.nanoTime() > deadline) {
        throw new RetriableException(
            ErrorCode.BROKER_UNAVAILABLE,
            "Kafka's brokers do not show topic "
                + name
                + " with "
                + partitions
                + " partition(s) "
                + VISIBLE_TIMEOUT.toSeconds()
                + "s after it was changed; retry",
            null);
      }
      LockSupport.parkNanos(VISIBLE_POLL.toNanos());
    }
  }

  /** The topic's description, or null if there is no such topic. */
  private TopicDescription describeIfExists(String name) {
    try {
      return StreamLog.await(
              admin.describeTopics(List.of(name)).allTopicNames(), "describe topic " + name)
          .get(name);
    } catch (UnknownTopicOrPartitionException missing) {
      return null;
    }
  }
}
