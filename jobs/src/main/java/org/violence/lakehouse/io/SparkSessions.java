package org.violence.lakehouse.io;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.apache.commons.io.FileUtils;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.violence.lakehouse.conf.LakehouseConfig;
import scala.Option;

/** Session set-up, kept at the edge: the jobs receive a ready session. */
public final class SparkSessions {
  /**
   * The thread's local property that describes its Spark jobs (what setJobDescription sets;
   * Spark's own constant for it is private to Spark), read to put a caller's description back.
   */
  public static final String JOB_DESCRIPTION = "spark.job.description";

  private SparkSessions() {}

  /**
   * Runs {@code work} with the thread's Spark jobs described as {@code description} (in the UI
   * and the event log), then puts back the caller's own description for its later jobs.
   */
  public static <T> T describingJobs(SparkSession spark, String description, Supplier<T> work) {
    var context = spark.sparkContext();
    String callers = context.getLocalProperty(JOB_DESCRIPTION);
    context.setJobDescription(description);
    try {
      return work.get();
    } finally {
      context.setJobDescription(callers);
    }
  }

  /** The same, for work that returns nothing. */
  public static void describingJobs(SparkSession spark, String description, Runnable work) {
    describingJobs(spark, description, () -> {
      work.run();
      return null;
    });
  }

  /**
   * What every session of ours needs, Delta's extension and catalog first, then the settings
   * that fit a run of many small queries; all must be present when the session is created.
   */
  public static SparkConf withLakehouseSettings(SparkConf conf) {
    // Appended to, not replaced: a caller may bring an extension of its own (read-only SQL).
    String extensions = conf.get("spark.sql.extensions", "");
    return conf
        .set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension"
            + (extensions.isEmpty() ? "" : "," + extensions))
        .set("spark.sql.catalog.spark_catalog",
            "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .set("spark.sql.session.timeZone", "UTC")
        // An overwrite that writes no rows must still commit: its commit carries the table's
        // fingerprint, and without it the next run would rebuild the table every time.
        .set("spark.databricks.delta.skipRecordingEmptyCommits", "false")
        // Delta 3.3 lists every file of the table into each commit's checksum (.crc) file, and
        // for a new table plans a query over the empty version before it to do so: ~4% of a
        // full run's CPU (jobs/BENCHMARKS.md). This version reads that list only to verify it
        // (Snapshot.allFiles replays the log), so without it no read changes; the checksum's
        // sizes, protocol and metadata, which reads do use, are still written.
        .setIfMissing("spark.databricks.delta.allFilesInCrc.enabled", "false")
        // A long-lived driver (the test suite, serve) kept every query's plan and metrics in
        // the status store, UI or not: the suite's heap filled until a page allocation failed.
        .setIfMissing("spark.sql.ui.retainedExecutions", "50")
        .setIfMissing("spark.ui.retainedJobs", "200")
        .setIfMissing("spark.ui.retainedStages", "200")
        .setIfMissing("spark.ui.retainedTasks", "20000")
        // A run plans ~1,000 small queries whose generated code (Janino) was a sixth of its
        // CPU; Spark's cache of compiled classes holds 100 by default, so a run evicted
        // classes it compiled again soon after, and a second run in the same JVM (the test
        // suite, nightly in a long-lived driver) compiled them all again.
        .setIfMissing("spark.sql.codegen.cache.maxEntries", "4000")
        // A task writing rows of a few partitions (years) keeps a file open per partition
        // instead of sorting its rows by partition first: the sort copied every row of the
        // death certificates' bronze once more (jobs/BENCHMARKS.md). Past four partitions in a
        // task Spark falls back to the sort, so memory stays bounded.
        .setIfMissing("spark.sql.maxConcurrentOutputFileWriters", "4")
        // Spark sizes its memory pages from the heap (64 MB on a 6 GB driver), and a hash
        // aggregate, a sort or a broadcast hash relation takes a whole page for its first
        // row: each broadcast of a small table held 64 MB until it was cleaned, and the test
        // JVM kept ~5 GB of them, which G1 marked over and over. With 1 MB pages a full run
        // spends ~10% less wall time and half the system time (jobs/BENCHMARKS.md); a task
        // may still hold 8,192 pages, 8 GB, far above what a task here needs.
        .setIfMissing("spark.buffer.pageSize", "1m")
        // Hadoop's local file system started a process for each file it created and each
        // rename, a quarter of a run's CPU: see ForklessLocalFileSystem. On the driver and on
        // every executor (spark.hadoop.* reach both), for both of Hadoop's file APIs.
        .setIfMissing("spark.hadoop.fs.file.impl", ForklessLocalFileSystem.class.getName())
        .setIfMissing("spark.hadoop.fs.AbstractFileSystem.file.impl",
            ForklessLocalFileSystem.ForFileContext.class.getName());
  }

  /**
   * A session for a run. spark-submit sets {@code spark.master}; only when nothing did is the
   * configured local master used, so the same jar runs on a laptop and on a cluster.
   */
  public static SparkSession create(LakehouseConfig.SparkSettings settings) {
    return create(settings, new SparkConf());
  }

  /**
   * The same, with settings of the caller's own (e.g. the SQL endpoint's). A session already
   * running in this JVM (a notebook's, a test suite's) is used as it is: getOrCreate would apply
   * every runtime SQL setting of ours to it, and so change the partitions of whoever started it
   * for all its later queries; its static settings it would ignore anyway.
   */
  public static SparkSession create(LakehouseConfig.SparkSettings settings, SparkConf extra) {
    Option<SparkSession> running = SparkSession.getDefaultSession();
    return running.isDefined() ? running.get()
        : SparkSession.builder().config(conf(settings, extra)).getOrCreate();
  }

  /** What {@link #create} starts a session with. */
  static SparkConf conf(LakehouseConfig.SparkSettings settings, SparkConf extra) {
    SparkConf conf = withLakehouseSettings(extra)
        .setAppName("violence-lakehouse")
        .setIfMissing("spark.sql.shuffle.partitions",
            Integer.toString(settings.shufflePartitions()));
    if (!conf.contains("spark.sql.warehouse.dir")) {
      // Tables are named by their Delta paths, so Spark's catalog holds nothing the Delta logs
      // do not; left to itself it made an empty spark-warehouse folder wherever a command ran
      // (the project's top level, for the README's first command).
      conf.set("spark.sql.warehouse.dir",
          scratchFolder("lakehouse-catalog").resolve("warehouse").toUri().toString());
    }
    if (!conf.contains("spark.master")) {
      conf.setMaster(settings.master() == null ? "local[*]" : settings.master())
          .set("spark.ui.enabled", "false")
          .set("spark.databricks.delta.snapshotPartitions", "2");
    }
    if (!conf.getBoolean("spark.ui.enabled", true)
        && !conf.getBoolean("spark.eventLog.enabled", false)) {
      // With no UI and no event log (a local run, or a job submitted with the UI off) nobody
      // reads the plan Spark describes for each query; the default, formatted description was
      // ~6% of the stage threads' CPU in a full run and of a cluster driver's CPU
      // (jobs/BENCHMARKS.md). The simple one is a plain tree of the plan.
      conf.setIfMissing("spark.sql.ui.explainMode", "simple");
    }
    return conf;
  }

  /** A folder of its own in the system's temporary folder, deleted when the JVM exits. */
  public static Path scratchFolder(String prefix) {
    try {
      Path folder = Files.createTempDirectory(prefix);
      File file = folder.toFile();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> FileUtils.deleteQuietly(file)));
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a scratch folder for Spark's catalog", e);
    }
  }
}
