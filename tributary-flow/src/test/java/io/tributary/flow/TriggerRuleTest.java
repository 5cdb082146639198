package io.tributary.flow;

import static io.tributary.flow.TaskState.FAILED;
import static io.tributary.flow.TaskState.QUEUED;
import static io.tributary.flow.TaskState.RUNNING;
import static io.tributary.flow.TaskState.SKIPPED;
import static io.tributary.flow.TaskState.SUCCESS;
import static io.tributary.flow.TaskState.UPSTREAM_FAILED;
import static io.tributary.flow.TriggerRule.Decision.RUN;
import static io.tributary.flow.TriggerRule.Decision.SKIP;
import static io.tributary.flow.TriggerRule.Decision.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TriggerRuleTest {
  @Test
  void everyRuleOnEveryKindOfUpstream() {
    List<TaskState> allSuccess = List.of(SUCCESS, SUCCESS);
    List<TaskState> oneFailed = List.of(SUCCESS, FAILED);
    List<TaskState> allFailed = List.of(FAILED, UPSTREAM_FAILED);
    List<TaskState> oneRunning = List.of(SUCCESS, RUNNING);
    List<TaskState> failedAndQueued = List.of(FAILED, QUEUED);
    List<TaskState> skippedAndSuccess = List.of(SKIPPED, SUCCESS);
    List<TaskState> allSkipped = List.of(SKIPPED, SKIPPED);

    assertThat(TriggerRule.ALL_SUCCESS.decide(allSuccess)).isEqualTo(RUN);
    assertThat(TriggerRule.ALL_SUCCESS.decide(oneRunning)).isEqualTo(WAIT);
    assertThat(TriggerRule.ALL_SUCCESS.decide(failedAndQueued))
        .isEqualTo(TriggerRule.Decision.UPSTREAM_FAILED);
    assertThat(TriggerRule.ALL_SUCCESS.decide(skippedAndSuccess)).isEqualTo(SKIP);

    assertThat(TriggerRule.ALL_DONE.decide(oneFailed)).isEqualTo(RUN);
    assertThat(TriggerRule.ALL_DONE.decide(oneRunning)).isEqualTo(WAIT);

    assertThat(TriggerRule.ALL_FAILED.decide(allFailed)).isEqualTo(RUN);
    assertThat(TriggerRule.ALL_FAILED.decide(oneFailed)).isEqualTo(SKIP);
    assertThat(TriggerRule.ALL_FAILED.decide(failedAndQueued)).isEqualTo(WAIT);

    assertThat(TriggerRule.ONE_SUCCESS.decide(oneRunning)).isEqualTo(RUN);
    assertThat(TriggerRule.ONE_SUCCESS.decide(allFailed))
        .isEqualTo(TriggerRule.Decision.UPSTREAM_FAILED);
    assertThat(TriggerRule.ONE_SUCCESS.decide(allSkipped)).isEqualTo(SKIP);

    assertThat(TriggerRule.ONE_FAILED.decide(failedAndQueued)).isEqualTo(RUN);
    assertThat(TriggerRule.ONE_FAILED.decide(allSuccess)).isEqualTo(SKIP);
    assertThat(TriggerRule.ONE_FAILED.decide(oneRunning)).isEqualTo(WAIT);

    assertThat(TriggerRule.NONE_FAILED.decide(skippedAndSuccess)).isEqualTo(RUN);
    assertThat(TriggerRule.NONE_FAILED.decide(oneFailed))
        .isEqualTo(TriggerRule.Decision.UPSTREAM_FAILED);
    assertThat(TriggerRule.NONE_FAILED.decide(oneRunning)).isEqualTo(WAIT);

    assertThat(TriggerRule.ALWAYS.decide(failedAndQueued)).isEqualTo(RUN);
    for (TriggerRule rule : TriggerRule.values()) {
      assertThat(rule.decide(List.of())).isEqualTo(RUN);
    }
  }
}
