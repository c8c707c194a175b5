package org.violence.lakehouse;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.violence.lakehouse.io.Lineage;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.violence.lakehouse.cli.Pipeline;
import org.violence.lakehouse.cli.ConfigLoader;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.SparkSessions;
import org.violence.lakehouse.io.Table;

/**
 * One SparkSession for the whole test JVM (spark-testing-base keeps its context in a static
 * field; it is never stopped here, so every class reuses it), and one pipeline run over the real
 * samples shared by the tests that read its tables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LakehouseTestBase extends JavaDataFrameSuiteBase {
  private static final Object REAL_RUN_LOCK = new Object();
  private static final Object SMALL_RUN_LOCK = new Object();
  private static RealRun realRun;
  private static RealRun smallRun;
  /** Panel years of {@link #smallRun()}: two years keep runs that are repeated many times short. */
  public static final LakehouseConfig.YearRange SMALL_YEARS = new LakehouseConfig.YearRange(2009,
      2010);

  /** The pipeline's outcome on the real samples, and the lakehouse it wrote. */
  public record RealRun(LakehouseConfig config, Lakehouse lakehouse, Pipeline.Outcome outcome) {}

  @Override
  public SparkConf conf() {
    return SparkSessions.withLakehouseSettings(super.conf())
        .set("spark.ui.enabled", "false")
        // As a local run's session (SparkSessions.conf): no UI reads the plans' descriptions.
        .set("spark.sql.ui.explainMode", "simple")
        // Few partitions, for data of a few MB on two cores.
        .set("spark.sql.shuffle.partitions", "2")
        .set("spark.databricks.delta.snapshotPartitions", "1")
        // Delta keeps each table's log, with its state cached in Spark's storage, for an hour
        // and up to 10,000 tables; the suite opens ~1,500 tables (every copy of a lakehouse is
        // 57 more), so it kept them all, and the live heap grew past 2 GB. Past this many,
        // the least recently used log is dropped and its cached state released.
        .set("spark.databricks.delta.delta.log.cacheSize", "500");
  }

  @Override
  public boolean enableHiveSupport() {
    return false;
  }

  /**
   * The shared context is created once, and each shared run computed once, whichever class
   * asks first: the locks are the class's, not an instance's (each test class is an instance).
   */
  @BeforeAll
  void startSpark() {
    synchronized (LakehouseTestBase.class) {
      runBefore();
    }
  }

  public static Path projectDir() {
    return Path.of(System.getProperty("lakehouse.project.dir", ".")).toAbsolutePath();
  }

  /** The shipped configuration, reading the real samples and writing under {@code lakehouse}. */
  public static LakehouseConfig sampleConfig(Path lakehouse) {
    LakehouseConfig shipped = ConfigLoader.load(projectDir().resolve("conf/lakehouse.yaml"));
    return new LakehouseConfig(lakehouse.toString(),
        projectDir().resolve("data-samples").toString(), shipped.years(), shipped.spark(),
        shipped.sources(), new LakehouseConfig.Geography(shipped.geography().baseVintage(),
            projectDir().resolve(shipped.geography().parentOverrides()).toString()),
        shipped.covariateFill(), shipped.models(), shipped.trafficking());
  }

  /**
   * A private copy of the real run's lakehouse (tables and their Delta histories) with the same
   * configuration, for tests that change inputs or settings.
   */
  protected RealRun copyOfRealRun() {
    return copyOf(realRun());
  }

  /** A private copy of a run's lakehouse, for tests that change inputs or settings. */
  protected RealRun copyOf(RealRun real) {
    Path copy = copyOfFolder(Path.of(java.net.URI.create(real.lakehouse().root())));
    LakehouseConfig config = real.config().withLakehouse(copy.toString());
    return new RealRun(config, new Lakehouse(spark(), config.lakehouse()), real.outcome());
  }

  /** A table's folder on the local disk, where a test damages or inspects its files. */
  protected static Path folderOf(Lakehouse lakehouse, Table table) {
    return Path.of(java.net.URI.create(lakehouse.path(table)));
  }

  /** A copy of a lakehouse folder as it is now (Delta logs name their files relatively). */
  protected static Path copyOfFolder(Path from) {
    try {
      Path copy = Files.createTempDirectory("lakehouse-copy");
      try (var files = Files.walk(from)) {
        for (Path file : files.toList()) {
          Path target = copy.resolve(from.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(target);
          } else {
            Files.copy(file, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
          }
        }
      }
      return copy;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * An inputs folder that is data-samples/ with some files replaced: every other file is a
   * symbolic link to the real sample, so nothing is copied but what a test changes.
   */
  protected static Path samplesWith(Map<String, byte[]> replacedFiles) {
    return samplesWith(replacedFiles, java.util.Set.of());
  }

  /** The same, with some files absent as well. */
  protected static Path samplesWith(Map<String, byte[]> replacedFiles,
      java.util.Set<String> absentFiles) {
    try {
      Path samples = projectDir().resolve("data-samples");
      Path inputs = Files.createTempDirectory("inputs");
      try (var files = Files.walk(samples)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          String relative = samples.relativize(file).toString();
          if (absentFiles.contains(relative)) {
            continue;
          }
          Path target = inputs.resolve(relative);
          Files.createDirectories(target.getParent());
          if (replacedFiles.containsKey(relative)) {
            Files.write(target, replacedFiles.get(relative));
          } else {
            Files.createSymbolicLink(target, file);
          }
        }
      }
      return inputs;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Table contents without the columns that name the run (its id and load time), the Delta
   * version the models read (every rewrite of the panel is a new version, even with the same
   * rows) or a model's wall-clock time; maps as JSON, since Spark neither sorts nor compares
   * map columns.
   */
  protected static Dataset<Row> contents(Dataset<Row> table) {
    Dataset<Row> rows = unordered(table);
    return rows.orderBy(allColumns(rows));
  }

  private static Column[] allColumns(Dataset<Row> rows) {
    return java.util.Arrays.stream(rows.columns()).map(functions::col).toArray(Column[]::new);
  }

  private static Dataset<Row> unordered(Dataset<Row> table) {
    Dataset<Row> rows = table.drop(Lineage.RUN_ID, Lineage.LOAD_TIME, "panel_version",
        "seconds");
    for (var field : rows.schema().fields()) {
      if (field.dataType() instanceof org.apache.spark.sql.types.MapType) {
        rows = rows.withColumn(field.name(), functions.to_json(
            functions.col(field.name())));
      }
    }
    return rows;
  }

  /**
   * The same rows in both tables, ignoring run ids and load times; doubles within 1e-9, since
   * models fitted on another partitioning sum in another order (differences seen: ~1e-12).
   * Tables equal to the last bit (nearly all) pass on their digests, one Spark job for both
   * sides; where the digests differ, two set differences decide, and only tables that differ
   * in the last bits are compared row by row by spark-testing-base, which sorts, counts and
   * joins both sides several times over and names the rows that differ.
   */
  protected void assertSameContents(Dataset<Row> expected, Dataset<Row> actual) {
    Dataset<Row> want = unordered(expected);
    Dataset<Row> got = unordered(actual);
    if (want.schema().equals(got.schema()) && (sameDigest(want, got)
        || (want.exceptAll(got).isEmpty() && got.exceptAll(want).isEmpty()))) {
      return;
    }
    assertDataFrameApproximateEquals(contents(expected), contents(actual), 1e-9);
  }

  /**
   * {@link #assertSameContents} for each of {@code tables}, two at a time: a comparison is
   * mostly planning on the driver and one small job, so one thread left a core idle while the
   * kill, nightly and cluster tests compared their ~55 tables. A difference names its table.
   */
  protected void assertSameTables(Collection<Table> tables,
      Function<Table, Dataset<Row>> expected, Function<Table, Dataset<Row>> actual) {
    twoAtATime(tables, table -> {
      try {
        assertSameContents(expected.apply(table), actual.apply(table));
      } catch (AssertionError difference) {
        throw new AssertionError(table.qualifiedName() + ": " + difference.getMessage(),
            difference);
      }
      return table;
    });
  }

  /**
   * {@code work} for each key, two at a time on threads of their own; the results in the keys'
   * order. The first failure in that order is thrown as it was thrown, so that an assertion
   * stays the test's own failure.
   */
  public static <K, V> Map<K, V> twoAtATime(Collection<K> keys, Function<K, V> work) {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Map<K, Future<V>> running = new LinkedHashMap<>();
      keys.forEach(key -> running.put(key, pool.submit(() -> work.apply(key))));
      Map<K, V> results = new LinkedHashMap<>();
      for (Map.Entry<K, Future<V>> result : running.entrySet()) {
        results.put(result.getKey(), result.getValue().get());
      }
      return results;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Whether two tables of one schema hold the same rows, as many times each: their row counts
   * and two sums over the rows of independent hashes of the whole row (Spark's 64-bit xxHash
   * and 32-bit Murmur3), summed exactly as decimals, so that neither the order of the rows nor
   * their partitioning matters. Tables that differ pass only if both sums collide (~2^-96 for
   * a chance difference). The set differences this replaces cost two jobs, each with a
   * shuffle of both sides, and the kill, nightly and cluster tests compare ~55 tables each.
   */
  private static boolean sameDigest(Dataset<Row> want, Dataset<Row> got) {
    Map<Integer, List<Object>> digests = new java.util.TreeMap<>();
    for (Row side : digestRows(want, 0).union(digestRows(got, 1)).groupBy("side")
        .agg(functions.count(functions.lit(1)), functions.sum("xxhash64"),
            functions.sum("murmur3")).collectAsList()) {
      digests.put(side.getInt(0), List.of(side.get(1), side.get(2), side.get(3)));
    }
    return digests.size() != 1 && java.util.Objects.equals(digests.get(0), digests.get(1));
  }

  private static Dataset<Row> digestRows(Dataset<Row> rows, int side) {
    Column[] row = allColumns(rows);
    return rows.select(functions.lit(side).as("side"),
        functions.xxhash64(row).cast("decimal(20,0)").as("xxhash64"),
        functions.hash(row).cast("decimal(20,0)").as("murmur3"));
  }

  /**
   * " (12.3 s)": how long a phase of a long test took, for the line it prints, so that a CI's
   * log shows where such a test's time goes.
   */
  protected static String secondsSince(long startedNanos) {
    return String.format(" (%.1f s)", (System.nanoTime() - startedNanos) / 1e9);
  }

  protected RealRun realRun() {
    synchronized (REAL_RUN_LOCK) {
      if (realRun == null) {
        realRun = runOnSamples(null);
      }
      return realRun;
    }
  }

  /** The pipeline on the real samples over {@link #SMALL_YEARS} only. */
  protected RealRun smallRun() {
    synchronized (SMALL_RUN_LOCK) {
      if (smallRun == null) {
        smallRun = runOnSamples(SMALL_YEARS);
      }
      return smallRun;
    }
  }

  private RealRun runOnSamples(LakehouseConfig.YearRange years) {
    try {
      LakehouseConfig config = sampleConfig(Files.createTempDirectory("lakehouse-real"));
      if (years != null) {
        config = config.withYears(years);
      }
      Pipeline.Outcome outcome = new Pipeline(spark(), config).run();
      return new RealRun(config, new Lakehouse(spark(), config.lakehouse()), outcome);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
