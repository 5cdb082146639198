package io.tributary.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.TableId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriggerWatchTest {
  private static final TableId EVENTS = TableId.parse("raw.app_events");

  private final List<TableCommits.Commit> history = new ArrayList<>();
  private final TriggerWatch watch = new TriggerWatch(table -> List.copyOf(history));

  private void commit(boolean newData, long rows, long files) {
    history.add(0, new TableCommits.Commit(history.size() + 1, newData, rows, files));
  }

  @Test
  void withoutMinimumsEveryNewCommitFiresOnce() {
    TableTrigger trigger = new TableTrigger(EVENTS, 0, 0);
    commit(true, 10, 1);
    assertThat(watch.fires("f", trigger)).as("data from before the flow").isFalse();

    commit(true, 1, 1);
    assertThat(watch.fires("f", trigger)).isTrue();
    assertThat(watch.fires("f", trigger)).as("no new commit").isFalse();
  }

  @Test
  void aTableWithoutSnapshotsFiresOnItsFirstCommit() {
    TableTrigger trigger = new TableTrigger(EVENTS, 0, 0);
    assertThat(watch.fires("f", trigger)).isFalse();

    commit(true, 3, 1);
    assertThat(watch.fires("f", trigger)).isTrue();
  }

  @Test
  void minimumsAddUpTheCommitsSinceTheLastFiring() {
    TableTrigger trigger = new TableTrigger(EVENTS, 100, 2);
    watch.fires("f", trigger);

    commit(true, 60, 1);
    assertThat(watch.fires("f", trigger)).isFalse();
    commit(true, 60, 0);
    assertThat(watch.fires("f", trigger)).as("120 rows but 1 file").isFalse();
    commit(true, 0, 1);
    assertThat(watch.fires("f", trigger)).isTrue();
    commit(true, 99, 5);
    assertThat(watch.fires("f", trigger)).as("counted afresh after firing").isFalse();
  }

  @Test
  void compactionsAndDeletesAreNoNewData() {
    TableTrigger trigger = new TableTrigger(EVENTS, 0, 0);
    watch.fires("f", trigger);

    commit(false, 500, 3);
    assertThat(watch.fires("f", trigger)).isFalse();
    commit(true, 1, 1);
    assertThat(watch.fires("f", trigger)).isTrue();
  }

  @Test
  void flowsAreWatchedApartAndForgottenWhenPaused() {
    TableTrigger trigger = new TableTrigger(EVENTS, 0, 0);
    watch.fires("a", trigger);
    watch.fires("b", trigger);
    commit(true, 1, 1);

    assertThat(watch.fires("a", trigger)).isTrue();
    watch.forget("b");
    assertThat(watch.fires("b", trigger)).as("starts afresh").isFalse();
  }
}
