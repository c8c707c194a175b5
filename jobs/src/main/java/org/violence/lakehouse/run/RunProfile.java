package org.violence.lakehouse.run;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Where a run's time goes, stage by stage: wall time, Spark jobs started and their summed
 * duration, and Delta commits. Spark's cost for small tables is per job and per commit rather
 * than per row, so these two counts explain most of a stage's time. Jobs are attributed through
 * a thread-local Spark property set while a stage runs; jobs outside any stage (the input scan,
 * the run log, the summary) are counted under {@link #OUTSIDE}.
 */
public final class RunProfile extends SparkListener {
  static final String STAGE_PROPERTY = "lakehouse.stage";
  static final String OUTSIDE = "(outside stages)";

  /** One stage's figures; a stage run twice in a process (tests) adds up. */
  static final class Figures {
    private double seconds;
    private int jobs;
    private double jobSeconds;
    private long commits;
    /** When the stage started ({@link System#nanoTime}), for the run's timeline. */
    private long startNanos = Long.MAX_VALUE;

    double seconds() {
      return seconds;
    }

    int jobs() {
      return jobs;
    }

    long commits() {
      return commits;
    }
  }

  private final Map<String, Figures> stages = new LinkedHashMap<>();
  /** When each stage ran ({@link System#nanoTime}), to tell the time stages covered at all. */
  private final List<long[]> intervals = new java.util.ArrayList<>();
  private final Map<Integer, String> stageOfJob = new ConcurrentHashMap<>();
  private final Map<Integer, Long> startOfJob = new ConcurrentHashMap<>();

  /** Listens to the context's jobs from now on. */
  public static RunProfile attachTo(SparkContext context) {
    RunProfile profile = new RunProfile();
    context.addSparkListener(profile);
    return profile;
  }

  /** Removes the listener, so a long-lived session does not keep profiles of finished runs. */
  public void detachFrom(SparkContext context) {
    context.removeSparkListener(this);
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    String stage = start.properties() == null ? null
        : start.properties().getProperty(STAGE_PROPERTY);
    stageOfJob.put(start.jobId(), stage == null ? OUTSIDE : stage);
    startOfJob.put(start.jobId(), start.time());
    synchronized (stages) {
      figuresOf(stage == null ? OUTSIDE : stage).jobs++;
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    String stage = stageOfJob.remove(end.jobId());
    Long started = startOfJob.remove(end.jobId());
    if (stage != null && started != null) {
      synchronized (stages) {
        figuresOf(stage).jobSeconds += (end.time() - started) / 1e3;
      }
    }
  }

  /** Records a stage's wall time ({@link System#nanoTime} at both ends) and commits. */
  void stageFinished(String stage, long startNanos, long endNanos, long commits) {
    synchronized (stages) {
      Figures figures = figuresOf(stage);
      figures.seconds += (endNanos - startNanos) / 1e9;
      figures.commits += commits;
      figures.startNanos = Math.min(figures.startNanos, startNanos);
      intervals.add(new long[] {startNanos, endNanos});
    }
  }

  /** Seconds during which at least one stage ran: stages overlap, so their sum says more. */
  double stagesSpan() {
    synchronized (stages) {
      List<long[]> sorted = intervals.stream()
          .sorted(java.util.Comparator.comparingLong(interval -> interval[0])).toList();
      long covered = 0;
      long reached = Long.MIN_VALUE;
      for (long[] interval : sorted) {
        long from = Math.max(interval[0], reached);
        if (interval[1] > from) {
          covered += interval[1] - from;
        }
        reached = Math.max(reached, interval[1]);
      }
      return covered / 1e9;
    }
  }

  private Figures figuresOf(String stage) {
    return stages.computeIfAbsent(stage, s -> new Figures());
  }

  /** A copy of the figures by stage, in the order stages first appeared. */
  Map<String, Figures> figures() {
    synchronized (stages) {
      return new LinkedHashMap<>(stages);
    }
  }

  /**
   * The table printed by {@code --profile}: the stages, then the rest of the run (lock, run
   * log, input scan, summary) as what the stages do not account for of {@code runSeconds} and
   * {@code runCommits}. Jobs are counted by Spark's listener thread, which may lag the last job
   * of a run by milliseconds.
   */
  public void print(double runSeconds, long runCommits, PrintStream out) {
    out.printf("%nProfile: %.1f s in all%n", runSeconds);
    out.printf("%-42s %9s %9s %6s %11s %8s%n", "stage", "start (s)", "wall (s)", "jobs",
        "job time (s)", "commits");
    double seconds = 0;
    int jobs = 0;
    long commits = 0;
    Map<String, Figures> figures = figures();
    Figures outside = figures.getOrDefault(OUTSIDE, new Figures());
    figures.remove(OUTSIDE);
    // Started when, from the first stage's start: which stages ran at once, and what waited.
    long first = figures.values().stream().mapToLong(f -> f.startNanos).min().orElse(0);
    List<Map.Entry<String, Figures>> byStart = figures.entrySet().stream()
        .sorted(java.util.Comparator.comparingLong(entry -> entry.getValue().startNanos))
        .toList();
    for (Map.Entry<String, Figures> entry : byStart) {
      Figures f = entry.getValue();
      out.printf("%-42s %9.2f %9.2f %6d %11.2f %8d%n", entry.getKey(),
          (f.startNanos - first) / 1e9, f.seconds, f.jobs, f.jobSeconds, f.commits);
      seconds += f.seconds;
      jobs += f.jobs;
      commits += f.commits;
    }
    out.printf("%-42s %9s %9.2f %6d %11s %8d%n", "stages in all (summed)", "", seconds, jobs,
        "", commits);
    double span = stagesSpan();
    out.printf("%-42s %9s %9.2f%n", "while any stage ran (stages run at once)", "", span);
    out.printf("%-42s %9s %9.2f %6d %11.2f %8d%n", "rest: lock, run log, input scan, summary",
        "", runSeconds - span, outside.jobs, outside.jobSeconds, runCommits - commits);
  }
}
