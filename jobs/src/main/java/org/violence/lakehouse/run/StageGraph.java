package org.violence.lakehouse.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.violence.lakehouse.io.Table;

/**
 * The run's stages as the graph their declared inputs and outputs make: a stage depends on the
 * stages that write the tables it reads. Checked when built: every input is written by exactly
 * one stage of the run, and there is no cycle.
 */
final class StageGraph {
  private final List<Stage> stages;
  private final Map<Stage, Set<Stage>> upstream = new HashMap<>();
  /** The stages that read a stage's outputs. */
  private final Map<Stage, Set<Stage>> readers = new HashMap<>();
  /** Stages that start first when several are ready: those with the most stages after them. */
  private final List<Stage> byPriority;

  StageGraph(List<Stage> stages) {
    this.stages = List.copyOf(stages);
    Map<Table, Stage> writerOf = new HashMap<>();
    for (Stage stage : stages) {
      for (Table output : stage.outputs()) {
        Stage other = writerOf.put(output, stage);
        if (other != null) {
          throw new IllegalStateException(output.qualifiedName() + " is written by two stages, "
              + other.name() + " and " + stage.name());
        }
      }
    }
    for (Stage stage : stages) {
      Set<Stage> before = new LinkedHashSet<>();
      for (Table input : stage.inputs()) {
        Stage writer = writerOf.get(input);
        if (writer == null) {
          throw new IllegalStateException("stage " + stage.name() + " reads "
              + input.qualifiedName() + ", which no stage of the run writes");
        }
        before.add(writer);
        readers.computeIfAbsent(writer, w -> new LinkedHashSet<>()).add(stage);
      }
      upstream.put(stage, before);
    }
    Map<Stage, Integer> downstream = new HashMap<>();
    stages.forEach(stage -> downstream.put(stage, after(stage).size()));
    byPriority = stages.stream()
        .sorted(Comparator.comparing((Stage stage) -> -downstream.get(stage))
            .thenComparing(stages::indexOf))
        .toList();
  }

  /** Every stage that depends on {@code stage}, directly or not. */
  private Set<Stage> after(Stage stage) {
    Set<Stage> found = new HashSet<>();
    List<Stage> frontier = new ArrayList<>(List.of(stage));
    while (!frontier.isEmpty()) {
      for (Stage reader : readers.getOrDefault(frontier.remove(frontier.size() - 1), Set.of())) {
        if (found.add(reader)) {
          frontier.add(reader);
        }
      }
    }
    return found;
  }

  /**
   * Runs each stage with {@code build} once its upstream stages are done, at most
   * {@code concurrency} at once; see {@link StageRunner#runAll}. Returns each stage's result by
   * stage name, in the graph's order.
   */
  <T> Map<String, T> run(Function<Stage, T> build, int concurrency) {
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency, task -> {
      Thread thread = new Thread(task, "stage-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    CompletionService<T> completion = new ExecutorCompletionService<>(pool);
    Map<Future<T>, Stage> running = new HashMap<>();
    Set<Stage> started = new HashSet<>();
    Map<Stage, T> results = new HashMap<>();
    Throwable failure = null;
    try {
      while (true) {
        for (Stage stage : failure == null ? byPriority : List.<Stage>of()) {
          if (running.size() < concurrency && !started.contains(stage)
              && results.keySet().containsAll(upstream.get(stage))) {
            started.add(stage);
            running.put(completion.submit(() -> build.apply(stage)), stage);
          }
        }
        if (running.isEmpty()) {
          break;
        }
        Future<T> done = completion.take();
        Stage stage = running.remove(done);
        try {
          results.put(stage, done.get());
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
          } else {
            failure.addSuppressed(e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stages ran", e);
    } finally {
      pool.shutdownNow();
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
    if (results.size() < stages.size()) {
      throw new IllegalStateException("stages in a cycle never became ready: " + stages.stream()
          .filter(stage -> !results.containsKey(stage)).map(Stage::name).toList());
    }
    Map<String, T> byName = new LinkedHashMap<>();
    stages.forEach(stage -> byName.put(stage.name(), results.get(stage)));
    return byName;
  }
}
