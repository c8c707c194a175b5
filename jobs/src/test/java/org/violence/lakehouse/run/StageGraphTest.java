package org.violence.lakehouse.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.io.Table;

/**
 * The order the runner builds stages in: each after the stages writing its inputs, independent
 * ones at the same time, nothing new after a failure, and a graph that cannot run refused
 * before anything starts. Stages here only record when they start and end; overlap is shown
 * by two stages each waiting for the other to have started, not by timing.
 */
class StageGraphTest {
  private static final Table A = table("graph_a");
  private static final Table B = table("graph_b");
  private static final Table C = table("graph_c");
  private static final Table D = table("graph_d");
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  @Test
  void aStageStartsAfterTheStagesWritingItsInputsWhileIndependentOnesRunTogether() {
    Stage a = stage(A);
    Stage b = stage(B, A);
    Stage c = stage(C);
    Stage d = stage(D, B, C);
    CountDownLatch independentStarted = new CountDownLatch(2);
    Map<String, String> built = new StageGraph(List.of(d, b, a, c)).run(stage -> {
      events.add("start " + stage.name());
      if (stage == a || stage == c) {
        independentStarted.countDown();
        await(independentStarted, "silver.graph_a and silver.graph_c to run at once");
      }
      events.add("end " + stage.name());
      return "built " + stage.name();
    }, 2);

    Assertions.assertTrue(before("end silver.graph_a", "start silver.graph_b"), events.toString());
    Assertions.assertTrue(before("end silver.graph_b", "start silver.graph_d"), events.toString());
    Assertions.assertTrue(before("end silver.graph_c", "start silver.graph_d"), events.toString());
    Assertions.assertEquals(List.of("silver.graph_d", "silver.graph_b", "silver.graph_a",
        "silver.graph_c"), List.copyOf(built.keySet()), "results come in the order given");
    Assertions.assertEquals("built silver.graph_b", built.get("silver.graph_b"));
  }

  @Test
  void afterAFailureNoStageStartsRunningOnesFinishAndTheFailureIsThrown() {
    Stage a = stage(A);
    Stage b = stage(B, A);
    Stage c = stage(C);
    Stage d = stage(D, C);
    IllegalArgumentException broken = new IllegalArgumentException("a broken input");
    CountDownLatch bothStarted = new CountDownLatch(2);
    CountDownLatch failing = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<Thread> failingThread =
        new java.util.concurrent.atomic.AtomicReference<>();
    IllegalArgumentException thrown = Assertions.assertThrows(IllegalArgumentException.class,
        () -> new StageGraph(List.of(a, b, c, d)).run(stage -> {
          events.add("start " + stage.name());
          bothStarted.countDown();
          await(bothStarted, "silver.graph_a and silver.graph_c to run at once");
          if (stage == a) {
            failingThread.set(Thread.currentThread());
            failing.countDown();
            throw broken;
          }
          await(failing, "silver.graph_a to fail");
          // Its pool thread idle again means a's failure is in the graph's queue before c's
          // end: otherwise the graph could see c finish first and rightly start d.
          awaitIdle(failingThread.get());
          events.add("end " + stage.name());
          return stage.name();
        }, 2));

    Assertions.assertSame(broken, thrown);
    Assertions.assertEquals(List.of("end silver.graph_c", "start silver.graph_a",
        "start silver.graph_c"), events.stream().sorted().toList(),
        "silver.graph_c, already running, finishes; neither b (after a) nor d (after c) starts");
  }

  private static void awaitIdle(Thread thread) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (thread.getState() != Thread.State.WAITING) {
      Assertions.assertTrue(System.nanoTime() < deadline, "the failing stage's thread to idle");
      Thread.onSpinWait();
    }
  }

  @Test
  void aGraphThatCannotRunIsRefusedNamingTheStagesAndTables() {
    IllegalStateException unwritten = Assertions.assertThrows(IllegalStateException.class,
        () -> new StageGraph(List.of(stage(B, A))));
    Assertions.assertEquals("stage silver.graph_b reads silver.graph_a, which no stage of the "
        + "run writes", unwritten.getMessage());

    IllegalStateException twice = Assertions.assertThrows(IllegalStateException.class,
        () -> new StageGraph(List.of(stage(A), stage(A, B), stage(B))));
    Assertions.assertEquals("silver.graph_a is written by two stages, silver.graph_a and "
        + "silver.graph_a", twice.getMessage());

    IllegalStateException cycle = Assertions.assertThrows(IllegalStateException.class,
        () -> new StageGraph(List.of(stage(A, B), stage(B, A), stage(C))).run(stage -> {
          events.add("start " + stage.name());
          return stage.name();
        }, 2));
    Assertions.assertEquals("stages in a cycle never became ready: [silver.graph_a, "
        + "silver.graph_b]", cycle.getMessage());
    Assertions.assertEquals(List.of("start silver.graph_c"), events);
  }

  private boolean before(String first, String second) {
    int at = events.indexOf(first);
    return at >= 0 && at < events.indexOf(second);
  }

  private static void await(CountDownLatch latch, String what) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("waited a minute for " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Table table(String name) {
    return Table.in(Table.Layer.SILVER, name).describedAs(name)
        .column("id", DataTypes.LongType, "row").build();
  }

  /** A stage writing {@code output} from {@code inputs}; the graph never calls its build. */
  private static Stage stage(Table output, Table... inputs) {
    return Stage.whole(List.of(output), List.of(inputs), "", in -> {
      throw new AssertionError("the graph runs the function it is given, not the stage");
    });
  }
}
