package io.tributary.stream.function;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.config.FunctionSpec;
import io.tributary.core.config.TributaryConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FunctionRunnerTest {
  private static FunctionSpec spec(String concurrency) {
    return TributaryConfig.fromYaml(
            """
            topics: [{name: t}]
            functions:
              - {name: enrich, topic: t, type: filter, where: "a exists", emit-to: s, concurrency: %s}
            """
                .formatted(concurrency),
            "test")
        .functions()
        .get(0);
  }

  @Test
  void theTransactionalIdIsTheSameInEveryRestartSoARestartAbortsTheKilledTransaction() {
    // a restarted function (even a changed one) must present the same id to initTransactions
    assertThat(FunctionRunner.transactionalId(spec("1"), "host-1a2b3c4d"))
        .isEqualTo(FunctionRunner.transactionalId(spec("4"), "host-1a2b3c4d"))
        .isEqualTo("tributary-fn-enrich-host-1a2b3c4d");
  }

  @Test
  void twoNodesRunningAFunctionHaveTheirOwnTransactionalIds() {
    assertThat(FunctionRunner.transactionalId(spec("1"), "a"))
        .isNotEqualTo(FunctionRunner.transactionalId(spec("1"), "b"));
  }

  @Test
  void aTransactionNoRestartAbortsHoldsReadersForSecondsNotKafkasMinute() {
    assertThat(FunctionRunner.TRANSACTION_TIMEOUT).isLessThan(Duration.ofSeconds(60));
  }
}
