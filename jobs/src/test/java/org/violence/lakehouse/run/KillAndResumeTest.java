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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.catalog.Tables;
import org.violence.lakehouse.ChildJvm;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.cli.CommandHere;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;

/**
 * Interrupts the real command at many points of a run, each time on the lakehouse the previous
 * interruption left behind: SIGKILL while a table is being written (some at once and some a
 * moment later, mid-commit), and a disk that fills up inside bronze, silver and gold. After every
 * interruption every table must be readable; the run that finally completes must produce exactly
 * what an uninterrupted run produces.
 *
 * <p>The kills and full disks follow each other in one chain of runs, so that the pipeline is
 * redone from a fresh lakehouse once, not once per kind of failure. Each killed run has a JVM of
 * its own that starts cold, as a nightly run does, and these are most of this class's time; a
 * full disk ends its run with an error, so those runs and the final one run warm in this JVM, as
 * the bad-input test runs the command. So the warm runs carry the costly work: a killed run is
 * killed at the first table of its layer it writes, where little is left to do cold. In gold the
 * disk fills up first (some gold is always left, since the budget is smaller than the layer). In
 * silver the kill comes first: the killed run finishes the cheap bronze tables the full disk
 * left and is killed at the first silver table it writes, and the silver full disk then
 * builds silver warm. The other way round, the killed run had silver's two costliest stages
 * left, Central America's units and the route network, to compute cold (jobs/BENCHMARKS.md).
 * Two panel years keep it to a few minutes;
 * {@code -Dkilltest.every=true} kills at every progress line of the pipeline instead (no full
 * disk).
 */
class KillAndResumeTest extends LakehouseTestBase {
  private static final String YEARS = SMALL_YEARS.first() + "-" + SMALL_YEARS.last();

  /** One run of the chain and how it is stopped. */
  private sealed interface Interruption {}

  /**
   * SIGKILL {@code delayMillis} after the pipeline prints a line starting with {@code line}, just
   * before a write: a table's whole line, or a layer's {@code "writing silver."} for its first.
   */
  private record Kill(String line, long delayMillis) implements Interruption {}

  /**
   * The disk fills up after {@code budget} bytes written under {@code layer}. Each budget is
   * smaller than what is left to write in that layer when it starts: in bronze 4.6 MB (more than
   * its largest table, CONAPO's population, ~4.4 MB; ~8 MB of bronze remain after a kill at that
   * table), in silver 400 KB (of ~1.5 MB; the killed run before it writes at most its first
   * silver table), in gold 850 KB (of ~1 MB as this chain writes it: Central America's
   * tables ~30 KB, the panel ~700 KB, then the models' fitted values ~240 KB). The gold budget
   * lets the panel be written and fills up inside the model stage: with 200 KB the disk filled
   * up at the panel, the killed run after it computed the panel again cold (37-47 s against
   * ~23 s now, jobs/BENCHMARKS.md) and the final run a third time.
   */
  private record FullDisk(String layer, long budget) implements Interruption {}

  private static final List<Interruption> CHAIN = List.of(
      new Kill("writing bronze.conapo_population", 0), new FullDisk("/bronze/", 4_600_000L),
      new Kill("writing silver.", 250), new FullDisk("/silver/", 400_000L),
      new FullDisk("/gold/", 850_000L), new Kill("writing gold.", 900));

  @Test
  void interruptedAtAnyPointTheNextRunCompletesWithExactlyTheUninterruptedResult()
      throws Exception {
    Path lakehouse = Files.createTempDirectory("interrupted");
    List<String> killedAt = new ArrayList<>();
    List<String> diskFullAt = new ArrayList<>();
    List<CompletableFuture<Void>> checks = new ArrayList<>();
    // The checks of what each interruption left, not yet started (see startWhileAChildRuns).
    List<Runnable> unchecked = new ArrayList<>();
    // The files of each table's Delta log, with their sizes, as the last check found them.
    Map<Table, List<String>> logsChecked = new java.util.HashMap<>();
    if (Boolean.getBoolean("killtest.every")) {
      long[] delaysMillis = CHAIN.stream().filter(Kill.class::isInstance)
          .mapToLong(kill -> ((Kill) kill).delayMillis()).toArray();
      for (int attempt = 0; ; attempt++) {
        long delay = delaysMillis[attempt % delaysMillis.length];
        startWhileAChildRuns(unchecked, checks);
        String line = runAndKill(lakehouse, null, 1, delay);
        if (line == null) {
          break; // the run completed before its first progress line: nothing left to interrupt
        }
        killedAt.add(line + " +" + delay + "ms");
        unchecked.add(everyTableIsReadableLater(lakehouse, logsChecked));
      }
    } else {
      for (Interruption interruption : CHAIN) {
        long started = System.nanoTime();
        if (interruption instanceof Kill kill) {
          startWhileAChildRuns(unchecked, checks);
          String line = runAndKill(lakehouse, kill.line(), 0, kill.delayMillis());
          Assertions.assertNotNull(line, "the run after " + killedAt + " and " + diskFullAt
              + " ended before '" + kill.line() + "': the chain interrupts nothing after it");
          killedAt.add(line + " +" + kill.delayMillis() + "ms" + secondsSince(started));
        } else {
          diskFullAt.add(runOnAFullDisk(lakehouse, (FullDisk) interruption)
              + secondsSince(started));
        }
        unchecked.add(everyTableIsReadableLater(lakehouse, logsChecked));
      }
    }
    startWhileAChildRuns(unchecked, checks); // beside the last run, in this JVM
    System.out.println("KillAndResumeTest: killed the run at " + killedAt
        + "; the disk filled up at " + diskFullAt);

    long resumed = System.nanoTime();
    Lakehouse actual = resumeAndCompare(lakehouse, checks);
    System.out.println("KillAndResumeTest: the last run, the checks and the comparison"
        + secondsSince(resumed));
    List<Row> abandoned = actual.read(RunLog.RUNS).where("status = 'ABANDONED'").collectAsList();
    Assertions.assertEquals(killedAt.size(), abandoned.size(),
        "every killed run, and no run stopped by the full disk, is marked ABANDONED by the run "
            + "that took over its lock");
  }

  /**
   * A run whose writes fail with "No space left on device" once the disk's budget is spent
   * (issue 19): it must end with a non-zero exit; returns the last write it started. It runs in
   * this JVM, warm (a full disk ends a run with an error; it does not need a JVM of its own as
   * a kill does), with {@link FullDiskFileSystem} as the session's local file system meanwhile.
   */
  private String runOnAFullDisk(Path lakehouse, FullDisk disk) {
    Configuration hadoop = spark().sparkContext().hadoopConfiguration();
    String localFileSystem = hadoop.get("fs.file.impl");
    hadoop.set("fs.file.impl", FullDiskFileSystem.class.getName());
    // Else Hadoop hands out the local file system it has cached since the session started.
    hadoop.setBoolean("fs.file.impl.disable.cache", true);
    FullDiskFileSystem.fillUpAfter(disk.layer(), disk.budget());
    CommandHere.Ending ending;
    try {
      ending = CommandHere.run(arguments(lakehouse));
    } finally {
      hadoop.set("fs.file.impl", localFileSystem); // the session's, as every session has it
      hadoop.unset("fs.file.impl.disable.cache");
      FullDiskFileSystem.empty();
    }
    String output = ending.out() + ending.err();
    Assertions.assertNotEquals(0, ending.exit(), output);
    Assertions.assertTrue(output.contains("No space left on device"), output);
    return output.lines().filter(line -> line.startsWith("  writing ")).reduce(
        (first, last) -> last).orElse("before any write").strip();
  }

  /**
   * Runs the command to the end on {@code lakehouse}, in this JVM; every table must equal the
   * small run's. The interruptions' checks must all have passed as well.
   */
  private Lakehouse resumeAndCompare(Path lakehouse, List<CompletableFuture<Void>> checks)
      throws Exception {
    CommandHere.Ending ending = CommandHere.run(arguments(lakehouse));
    for (CompletableFuture<Void> check : checks) {
      try {
        check.get();
      } catch (ExecutionException failed) {
        if (failed.getCause() instanceof Error error) {
          throw error; // an assertion of the check: reported as the test's own failure
        }
        throw failed;
      }
    }
    Assertions.assertEquals(0, ending.exit(), ending.out() + ending.err());
    Lakehouse expected = smallRun().lakehouse();
    Lakehouse actual = new Lakehouse(spark(), lakehouse.toString());
    assertSameTables(Tables.all(), expected::read, actual::read);
    return actual;
  }

  /**
   * Runs the command and kills it {@code delayMillis} after it prints {@code killLine} (or its
   * {@code nthLine}-th progress line when no line is given); returns the line it was killed at,
   * or null when the run ended first.
   */
  private String runAndKill(Path lakehouse, String killLine, int nthLine, long delayMillis)
      throws IOException, InterruptedException {
    Process run = pipelineCommand(lakehouse).start();
    String killedAt = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(),
        StandardCharsets.UTF_8))) {
      int progressLines = 0;
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        boolean progress = line.startsWith("  writing ") || line.startsWith("  building ");
        progressLines += progress ? 1 : 0;
        if (killLine != null ? line.strip().startsWith(killLine)
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

  /**
   * The command in a JVM of its own, cold, as a nightly run starts; it can be killed. Killed
   * 13-40 s in, it runs on C1 alone: the three killed runs took 66.5 and 68.2 s so, against
   * 75.1-78.3 s with C2 (class alone, alternated; jobs/BENCHMARKS.md). And without generated
   * code, which the final run in this JVM compiles: its tables equal the small run's either way.
   */
  private ProcessBuilder pipelineCommand(Path lakehouse) {
    return ChildJvm.builder(System.getProperty("java.class.path"), Map.of(),
        ChildJvm.briefColdRun(),
        "org.violence.lakehouse.cli.Main", List.of(arguments(lakehouse)));
  }

  private static String[] arguments(Path lakehouse) {
    return new String[] {"run", "--lakehouse", lakehouse.toString(), "--years", YEARS, "--master",
        "local[1]"};
  }

  /**
   * The check that every table of the lakehouse as the interruption left it is readable, on a
   * copy of it taken now, to be run later. A table whose Delta log is the one an earlier check
   * read, file for file, is not read again: its data files are never rewritten in place (Delta
   * names each new file afresh, and nothing here vacuums), so it reads as it did then; the
   * chain's later checks read only what the runs between them committed.
   */
  private Runnable everyTableIsReadableLater(Path lakehouse,
      Map<Table, List<String>> logsChecked) {
    Path leftBehind = copyOfFolder(lakehouse);
    Lakehouse copy = new Lakehouse(spark(), leftBehind.toString());
    List<Table> changed = Tables.all().stream().filter(table -> logChangedSinceLastCheck(copy,
        table, logsChecked)).toList();
    return () -> everyTableIsReadable(copy, changed);
  }

  /**
   * Starts the checks not yet started, as a killed run starts: its cold JVM, on one core, left
   * the other idle part of the time, while a full-disk run in this JVM keeps both busy (a check
   * took 10-24 s, and started beside a full-disk run it only slowed it down).
   */
  private static void startWhileAChildRuns(List<Runnable> unchecked,
      List<CompletableFuture<Void>> checks) {
    unchecked.forEach(check -> checks.add(CompletableFuture.runAsync(check)));
    unchecked.clear();
  }

  private static boolean logChangedSinceLastCheck(Lakehouse lakehouse, Table table,
      Map<Table, List<String>> logsChecked) {
    Path log = folderOf(lakehouse, table).resolve("_delta_log");
    List<String> files = List.of();
    if (Files.isDirectory(log)) {
      try (var listing = Files.list(log)) {
        files = listing.map(file -> file.getFileName() + " " + file.toFile().length()).sorted()
            .toList();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return !files.equals(logsChecked.put(table, files));
  }

  private void everyTableIsReadable(Lakehouse killed, List<Table> tables) {
    for (Table table : tables) {
      if (killed.exists(table)) {
        killed.read(table).count();
        killed.buildState(table);
      }
    }
  }
}
