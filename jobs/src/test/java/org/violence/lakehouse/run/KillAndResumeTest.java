package org.violence.lakehouse.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.catalog.Tables;
import org.violence.lakehouse.ChildJvm;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;

/**
 * Kills the real command with SIGKILL at many points of a run (while each table is being
 * written, some at once and some a moment later, mid-commit), each time on the lakehouse the
 * previous kill left behind. After every kill every table must be readable; the run that finally
 * completes must produce exactly what an uninterrupted run produces.
 *
 * <p>Two panel years keep it to a few minutes; {@code -Dkilltest.every=true} kills at every
 * progress line of the pipeline instead of one per layer.
 */
class KillAndResumeTest extends LakehouseTestBase {
  private static final String YEARS = SMALL_YEARS.first() + "-" + SMALL_YEARS.last();
  /** Lines the pipeline prints just before each write; killing there lands inside commits. */
  private static final List<String> KILL_POINTS = List.of(
      "writing bronze.conapo_population", "writing silver.homicides",
      "writing gold.reconciliation");
  private static final long[] DELAYS_MILLIS = {0, 250, 900};
  /**
   * Where and after how many bytes each run's disk fills up: in bronze after 4.6 MB (more than
   * its largest table, CONAPO's population, ~4.4 MB), then inside silver, then inside gold.
   */
  private static final List<Map.Entry<String, Long>> FULL_DISK_BUDGETS = List.of(
      Map.entry("/bronze/", 4_600_000L), Map.entry("/silver/", 400_000L),
      Map.entry("/gold/", 200_000L));

  @Test
  void killedAtAnyPointTheNextRunCompletesWithExactlyTheUninterruptedResult() throws Exception {
    Path lakehouse = Files.createTempDirectory("killed");
    List<String> tried = new ArrayList<>();
    List<String> points = Boolean.getBoolean("killtest.every") ? null : KILL_POINTS;
    for (int attempt = 0; ; attempt++) {
      long delay = DELAYS_MILLIS[attempt % DELAYS_MILLIS.length];
      String killedAt = runAndKill(lakehouse, points == null ? null
          : points.get(Math.min(attempt, points.size() - 1)), points == null ? 1 : 0, delay);
      if (killedAt == null) {
        break; // the run completed before reaching a kill point: nothing left to interrupt
      }
      tried.add(killedAt + " +" + delay + "ms");
      everyTableIsReadable(lakehouse);
      if (points != null && attempt >= points.size() - 1) {
        break;
      }
    }
    System.out.println("KillAndResumeTest: killed the run at " + tried.size() + " points: "
        + tried);
    Assertions.assertTrue(tried.size() >= KILL_POINTS.size() - 1,
        "too few kill points were reached: " + tried);

    Lakehouse actual = resumeAndCompare(lakehouse);
    List<Row> abandoned = actual.read(RunLog.RUNS).where("status = 'ABANDONED'").collectAsList();
    Assertions.assertEquals(tried.size(), abandoned.size(),
        "every killed run is marked ABANDONED by the run that took over its lock");
  }

  /**
   * A disk that fills up mid-run (issue 19), once in each layer: three runs of a fresh lakehouse,
   * each on what the one before left, whose writes fail with "No space left on device" after
   * some MB of bronze, then some hundred KB of silver, then of gold. Each ends with a non-zero
   * exit and leaves every table readable; the run after them, with space again, ends equal to an
   * uninterrupted run, table by table.
   */
  @Test
  void runsStoppedByAFullDiskAreCompletedExactlyByTheNextOne() throws Exception {
    Path lakehouse = Files.createTempDirectory("full-disk");
    List<String> stoppedAt = new ArrayList<>();
    for (int attempt = 0; attempt < FULL_DISK_BUDGETS.size(); attempt++) {
      Map.Entry<String, Long> budget = FULL_DISK_BUDGETS.get(attempt);
      Path log = lakehouse.resolve("full-disk-" + attempt + ".log");
      Process run = pipelineCommand(lakehouse, Map.of("JAVA_TOOL_OPTIONS",
          "-Dspark.hadoop.fs.file.impl=" + FullDiskFileSystem.class.getName()
              + " -D" + FullDiskFileSystem.UNDER + "=" + budget.getKey()
              + " -D" + FullDiskFileSystem.BUDGET + "=" + budget.getValue()))
          .redirectOutput(log.toFile()).start();
      Assertions.assertTrue(run.waitFor(10, TimeUnit.MINUTES));
      String output = Files.readString(log);
      Assertions.assertNotEquals(0, run.exitValue(), output);
      Assertions.assertTrue(output.contains("No space left on device"), output);
      stoppedAt.add(output.lines().filter(line -> line.startsWith("  writing ")).reduce(
          (first, last) -> last).orElse("before any write").strip());
      everyTableIsReadable(lakehouse);
    }
    System.out.println("KillAndResumeTest: the disk filled up at " + stoppedAt);
    resumeAndCompare(lakehouse);
  }

  /** Runs the command to the end on {@code lakehouse}; every table must equal the small run's. */
  private Lakehouse resumeAndCompare(Path lakehouse) throws Exception {
    Process resume = pipelineCommand(lakehouse, Map.of()).redirectOutput(
        lakehouse.resolve("resume.log").toFile()).start();
    Assertions.assertTrue(resume.waitFor(10, TimeUnit.MINUTES));
    Assertions.assertEquals(0, resume.exitValue(), Files.readString(
        lakehouse.resolve("resume.log")));
    Lakehouse expected = smallRun().lakehouse();
    Lakehouse actual = new Lakehouse(spark(), lakehouse.toString());
    for (Table table : Tables.all()) {
      assertSameContents(expected.read(table), actual.read(table));
    }
    return actual;
  }

  /**
   * Runs the command and kills it {@code delayMillis} after it prints {@code killLine} (or its
   * {@code nthLine}-th progress line when no line is given); returns the line it was killed at,
   * or null when the run ended first.
   */
  private String runAndKill(Path lakehouse, String killLine, int nthLine, long delayMillis)
      throws IOException, InterruptedException {
    Process run = pipelineCommand(lakehouse, Map.of()).start();
    String killedAt = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(),
        StandardCharsets.UTF_8))) {
      int progressLines = 0;
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        boolean progress = line.startsWith("  writing ") || line.startsWith("  building ");
        progressLines += progress ? 1 : 0;
        if (killLine != null ? line.strip().equals(killLine)
            : progress && progressLines == nthLine) {
          Thread.sleep(delayMillis);
          run.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
          killedAt = line.strip();
          break;
        }
      }
    }
    run.waitFor(2, TimeUnit.MINUTES);
    return killedAt;
  }

  private ProcessBuilder pipelineCommand(Path lakehouse, Map<String, String> environment) {
    return ChildJvm.builder(System.getProperty("java.class.path"), environment,
        "org.violence.lakehouse.cli.Main", List.of("run", "--lakehouse", lakehouse.toString(),
            "--years", YEARS, "--master", "local[1]"));
  }

  private void everyTableIsReadable(Path lakehouse) {
    Lakehouse killed = new Lakehouse(spark(), lakehouse.toString());
    for (Table table : Tables.all()) {
      if (killed.exists(table)) {
        killed.read(table).count();
        killed.buildState(table);
      }
    }
  }
}
