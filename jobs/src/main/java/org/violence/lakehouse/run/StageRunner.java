package org.violence.lakehouse.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.io.BuildState;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.quality.QualityGate;

/**
 * Runs stages incrementally: a stage whose parts were all built from the inputs they would be
 * built from now is skipped; otherwise only its changed parts are built, checked by the quality
 * gate, and written, quarantine first and the tables last, each in one Delta commit carrying the
 * new build state. A run killed at any point therefore leaves every table at a consistent
 * version, and the next run redoes exactly the parts whose commit did not happen.
 */
public final class StageRunner {
  private final Lakehouse lakehouse;
  private final QualityGate gate;
  private final PrintStream progress;
  // Stages run concurrently (see runAll): what they share is thread-safe, and the quarantine,
  // one table that every stage writes to, is written by one stage at a time.
  private final List<RunLog.TableReport> reports =
      java.util.Collections.synchronizedList(new ArrayList<>());
  /** States read or written in this run: each is read from the Delta log at most once. */
  private final Map<Table, BuildState> states = new ConcurrentHashMap<>();
  /** Input tables and their row counts (for rows_read), read once per version. */
  private final KeptInputs inputs;
  /** The inputs of the stages {@link #runAll} runs: what a stage writes of them is kept. */
  private final Set<Table> readLater = ConcurrentHashMap.newKeySet();

  private final RunProfile profile;
  private final Object quarantineLock = new Object();
  /** See {@link #quarantinedParts()}; null until first asked. */
  private Set<List<String>> quarantined;

  /** Called once, before the run's first write; see the constructor. */
  private Runnable beforeFirstWrite;

  /** A runner whose profile counts time and commits only (no Spark listener). */
  public StageRunner(Lakehouse lakehouse, QualityGate gate, PrintStream progress) {
    this(lakehouse, gate, progress, new RunProfile(), () -> { });
  }

  /**
   * {@code beforeFirstWrite} runs once, before the first table or quarantine write of the run
   * (never, when nothing changed): the run log's start is written beside the input scan and
   * waited for only there, so that a run killed while writing is always in the log.
   */
  public StageRunner(Lakehouse lakehouse, QualityGate gate, PrintStream progress,
      RunProfile profile, Runnable beforeFirstWrite) {
    this.lakehouse = lakehouse;
    this.gate = gate;
    this.progress = progress;
    this.profile = profile;
    this.beforeFirstWrite = beforeFirstWrite;
    this.inputs = new KeptInputs(lakehouse);
  }

  /**
   * Runs every stage once the stages writing its inputs have finished, up to
   * {@code concurrency} at a time on the one Spark session; returns the parts each stage
   * rebuilt, by stage name. A small table's cost is the driver's (planning, Delta's log, code
   * generation) more than its rows', so one stage's driver work overlaps another's tasks
   * (jobs/BENCHMARKS.md has what that gave). When a stage fails, no other starts;
   * those already running finish (their tables do not depend on the failed one), and the
   * first failure is thrown.
   */
  public Map<String, Set<String>> runAll(List<Stage> stages, int concurrency) {
    stages.forEach(stage -> readLater.addAll(stage.inputs()));
    try {
      return new StageGraph(stages).run(this::runStage, concurrency);
    } finally {
      inputs.release();
    }
  }

  /** Builds what changed; returns the parts that were rebuilt (empty when up to date). */
  public Set<String> run(Stage stage) {
    try {
      return runStage(stage);
    } finally {
      inputs.release();
    }
  }

  /** {@link #run}, keeping the inputs it read for the stages after it. */
  private Set<String> runStage(Stage stage) {
    // The session is the thread's active one for code that asks for it (Delta does).
    org.apache.spark.sql.SparkSession.setActiveSession(lakehouse.spark());
    var context = lakehouse.spark().sparkContext();
    context.setLocalProperty(RunProfile.STAGE_PROPERTY, stage.name());
    // Stage threads are pooled: without this, a stage's jobs showed the last description an
    // earlier stage on the same thread set (in the Spark UI, "write" of another stage's table).
    context.setJobDescription("build " + stage.name());
    long start = System.nanoTime();
    long commits = lakehouse.commitsMadeByThisThread();
    try {
      return build(stage);
    } finally {
      context.setLocalProperty(RunProfile.STAGE_PROPERTY, null);
      context.setJobDescription(null);
      profile.stageFinished(stage.name(), start, System.nanoTime(),
          lakehouse.commitsMadeByThisThread() - commits);
    }
  }

  private Set<String> build(Stage stage) {
    BuildState desired = stage.desiredState(this::stateOf);
    Set<String> changed = new TreeSet<>();
    boolean complete = true;
    for (Table output : stage.outputs()) {
      complete &= lakehouse.exists(output);
      changed.addAll(desired.partsChangedSince(stateOf(output)));
    }
    if (changed.isEmpty()) {
      stage.outputs().forEach(output -> reports.add(RunLog.TableReport.unchanged(output,
          lakehouse.version(output))));
      return changed;
    }
    Set<String> everything = new TreeSet<>(desired.parts().keySet());
    stage.outputs().forEach(output -> everything.addAll(stateOf(output).parts().keySet()));
    boolean whole = !stage.builtInParts() || !complete || changed.containsAll(everything);
    String partsText = whole ? "all" : String.join(",", changed);
    progress.println("  building " + stage.name() + " (" + partsText + ")");
    long start = System.nanoTime();

    // A changed part the table is no longer to hold (a year left out of the run's years, or the
    // "whole" of a table that was built without any yearly file) is deleted by the write, not
    // built: built, a year came back from inputs that span more years than the run's (the
    // panel's covariates), and a "whole" part failed a stage that names its parts by year.
    Set<String> built = new TreeSet<>(changed);
    built.retainAll(desired.parts().keySet());

    StageInputs stageInputs = new StageInputs(inputs, stage.name(), Set.copyOf(stage.inputs()));
    Map<Table, Dataset<Row>> candidates = new HashMap<>();
    List<Dataset<Row>> computed = new ArrayList<>();
    try {
      Stage.Output output = stage.build(stageInputs, built);
      for (Table table : stage.outputs()) {
        Dataset<Row> rows = output.rows().get(table);
        // Rows read twice are computed once: checked ones for the gate and the write, and those
        // of a whole table a later stage reads for the write and the kept input. The others
        // are written in a single pass (the national microdata is too big to keep). Rows the
        // stage itself computed once (it read them for its other tables) are not computed again.
        if (gate.checks(table) || keptAfterWrite(table, whole)) {
          rows = stageInputs.handOver(rows) ? rows : inputs.computeOnce(rows);
          computed.add(rows);
        }
        candidates.put(table, rows);
        gate.check(table, rows, partsText);
      }
      beforeFirstWrite();
      long quarantined;
      synchronized (quarantineLock) {
        quarantined = writeQuarantine(stage, changed, whole, output.refused(candidates));
      }
      long rowsRead = stage.inputs().stream().mapToLong(inputs::rowCount).sum();
      for (int i = 0; i < stage.outputs().size(); i++) {
        Table table = stage.outputs().get(i);
        progress.println("  writing " + table.qualifiedName());
        long version = whole ? lakehouse.replace(table, candidates.get(table), desired)
            : lakehouse.replaceParts(table, candidates.get(table), stage.partsPredicate(changed),
                desired);
        states.put(table, desired);
        Lakehouse.Written written = lakehouse.written(table, version);
        if (keptAfterWrite(table, whole)
            && inputs.keepWritten(table, version, candidates.get(table), written)) {
          computed.remove(candidates.get(table)); // freed with the kept inputs, when the run ends
        }
        reports.add(new RunLog.TableReport(table.qualifiedName(), "written", partsText,
            stage.inputs().isEmpty() ? null : rowsRead, written.rows(), i == 0 ? quarantined : 0L,
            version));
        progress.printf("  wrote %s: %s rows, version %d (%.1f s into the stage)%n",
            table.qualifiedName(), written.rows(), version, (System.nanoTime() - start) / 1e9);
      }
    } finally {
      computed.forEach(inputs::free);
      stageInputs.free();
    }
    return changed;
  }

  /** Whether the rows written are kept as the new version for the stages after this one. */
  private boolean keptAfterWrite(Table table, boolean whole) {
    return whole && !table.large() && readLater.contains(table);
  }

  /** Every stage's writes wait for it, the first to come runs it. */
  private synchronized void beforeFirstWrite() {
    if (beforeFirstWrite != null) {
      beforeFirstWrite.run();
      beforeFirstWrite = null;
    }
  }

  private BuildState stateOf(Table table) {
    return states.computeIfAbsent(table, lakehouse::buildState);
  }

  /**
   * Replaces the stage's quarantined records of the rebuilt parts; returns how many it wrote.
   * Called under {@link #quarantineLock}.
   */
  private long writeQuarantine(Stage stage, Set<String> changed, boolean whole,
      Optional<Dataset<Row>> refused) {
    Set<String> stages = stage.outputs().stream().map(Table::qualifiedName)
        .collect(Collectors.toSet());
    java.util.function.Predicate<List<String>> replaced = key -> stages.contains(key.get(0))
        && (whole || changed.contains(key.get(1)));
    boolean exists = lakehouse.exists(Quarantine.TABLE);
    if (refused.isEmpty() && exists && quarantinedParts().stream().noneMatch(replaced)) {
      return 0L;
    }
    // A stage that refuses nothing still clears what an earlier build of its parts refused.
    // Computed once as a stage's output is, not cached: a cache is planned apart and copied into
    // column batches, which cost more than the one job this adds (jobs/BENCHMARKS.md).
    Dataset<Row> rows = inputs.computeOnce(refused.orElseGet(
        () -> Quarantine.none(lakehouse.spark())));
    try {
      // One job for both: the count decides whether to commit, the parts keep
      // quarantinedParts() current without asking the table again.
      Map<List<String>, Long> refusedByPart = rowsByPart(rows);
      refusedByPart.keySet().stream().filter(replaced.negate()).findFirst().ifPresent(key -> {
        throw new IllegalStateException("stage " + stage.name() + " refused records of "
            + key + ", which is not one of the parts it rebuilt");
      });
      long count = refusedByPart.values().stream().mapToLong(Long::longValue).sum();
      if (!exists) {
        lakehouse.replace(Quarantine.TABLE, rows, null);
        quarantined = new HashSet<>(refusedByPart.keySet());
        return count;
      }
      // Most rebuilt parts refuse nothing, now as before: then nothing is committed.
      if (quarantinedParts().stream().anyMatch(replaced)) {
        String predicate = Quarantine.STAGE + " IN (" + stages.stream().sorted()
            .map(name -> "'" + name + "'").collect(Collectors.joining(", ")) + ")"
            + (whole ? "" : " AND " + Quarantine.PART + " IN (" + changed.stream()
                .map(p -> "'" + p + "'").collect(Collectors.joining(", ")) + ")");
        lakehouse.replaceParts(Quarantine.TABLE, rows, predicate, null);
        quarantinedParts().removeIf(replaced);
      } else if (count > 0) {
        // No earlier record of these parts to remove: appended, the records commit without
        // Delta first rebuilding the list of the quarantine's files to find what a replace
        // would remove (3 Spark jobs and ~0.5 s for each stage that refuses something). The
        // check above stands in for the replace's own, that every row is of a replaced part.
        lakehouse.append(Quarantine.TABLE, rows);
      }
      quarantinedParts().addAll(refusedByPart.keySet());
      return count;
    } finally {
      inputs.free(rows);
    }
  }

  /**
   * The (stage, part) pairs the quarantine holds records of, read once per run and kept up to
   * date by {@link #writeQuarantine}: asking the table before each stage was a Delta scan each.
   */
  private Set<List<String>> quarantinedParts() {
    if (quarantined == null) {
      quarantined = new HashSet<>(rowsByPart(lakehouse.read(Quarantine.TABLE)).keySet());
    }
    return quarantined;
  }

  /**
   * Quarantined records by (stage, part), counted in one task: the records are few, and one
   * partition needs no exchange, so the count is one Spark job instead of two or three.
   */
  private static Map<List<String>, Long> rowsByPart(Dataset<Row> quarantine) {
    return quarantine.coalesce(1).groupBy(Quarantine.STAGE, Quarantine.PART).count()
        .collectAsList().stream().collect(Collectors.toMap(
            row -> java.util.Arrays.asList(row.getString(0), row.getString(1)),
            row -> row.getLong(2)));
  }

  public List<RunLog.TableReport> reports() {
    synchronized (reports) {
      return List.copyOf(reports);
    }
  }

  /** Rows by table written in this run, for the summary. */
  public Map<String, Long> writtenRows() {
    return reports().stream().filter(r -> r.rowsWritten() != null)
        .collect(Collectors.toMap(RunLog.TableReport::table, RunLog.TableReport::rowsWritten,
            (a, b) -> b, java.util.TreeMap::new));
  }
}
