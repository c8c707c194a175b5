package org.violence.lakehouse.io;

import io.delta.tables.DeltaTable;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOptions;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.delta.commands.WriteIntoDelta;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * The only place that knows where tables live and how they are written. A table is a Delta table
 * at {@code <root>/<layer>/<name>}; every write replaces the whole table in one Delta commit, so a
 * reader sees the previous version or the new one, never a mix, and a rerun over the same inputs
 * leaves the same contents instead of appending duplicates.
 */
public final class Lakehouse {
  private final SparkSession spark;
  private final String root;
  /** Delta commits this process made through here, for the run's profile. */
  private final java.util.concurrent.atomic.AtomicLong commits =
      new java.util.concurrent.atomic.AtomicLong();
  /** The same, by the thread that made them: stages run concurrently, one per thread. */
  private final ThreadLocal<long[]> commitsOfThread = ThreadLocal.withInitial(() -> new long[1]);

  public Lakehouse(SparkSession spark, String root) {
    this.spark = spark;
    this.root = qualified(spark, root);
  }

  /** Delta addresses path tables by absolute URI; relative folders are resolved once, here. */
  private static String qualified(SparkSession spark, String root) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(root);
    try {
      String uri = path.getFileSystem(spark.sparkContext().hadoopConfiguration())
          .makeQualified(path).toString();
      return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot resolve lakehouse location " + root, e);
    }
  }

  public SparkSession spark() {
    return spark;
  }

  public String root() {
    return root;
  }

  public String path(Table table) {
    return root + "/" + table.layer().folder() + "/" + table.name();
  }

  public Dataset<Row> read(Table table) {
    return spark.read().format("delta").load(path(table));
  }

  /** The table as it was at an earlier Delta version (time travel). */
  public Dataset<Row> readVersion(Table table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path(table));
  }

  /**
   * From the table's log as it is now. {@code DeltaTable.isDeltaTable} answers from the snapshot
   * this JVM loaded first: a table whose log folder it had found empty (a write killed before its
   * first commit) and another process committed since (a run in a JVM of its own, as in the kill
   * test's chain) read as missing, and creating it again failed ({@code LakehouseTest}).
   */
  public boolean exists(Table table) {
    return snapshot(table).version() >= 0;
  }

  /**
   * Replaces the whole table in one Delta commit that also records {@code state}, what the rows
   * were built from, and returns the version written.
   */
  public long replace(Table table, Dataset<Row> rows, BuildState state) {
    return commit(table, rows, state, null);
  }

  /**
   * Replaces only the rows matching {@code partsPredicate} (a SQL condition on the table's
   * columns, e.g. {@code year IN (2015)}), in one commit that records the table's new
   * {@code state}; every other row and file stays untouched.
   */
  public long replaceParts(Table table, Dataset<Row> rows, String partsPredicate,
      BuildState state) {
    return commit(table, rows, state, java.util.Objects.requireNonNull(partsPredicate));
  }

  private long commit(Table table, Dataset<Row> rows, BuildState state, String partsPredicate) {
    return SparkSessions.describingJobs(spark, "write " + table.qualifiedName(),
        () -> commitDescribed(table, rows, state, partsPredicate));
  }

  private long commitDescribed(Table table, Dataset<Row> rows, BuildState state,
      String partsPredicate) {
    if (!exists(table)) {
      create(table, rows, state);
      committed();
      return version(table);
    }
    var writer = withComments(table, rows).write()
        .format("delta")
        .mode("overwrite")
        .option("userMetadata", state == null ? null : state.toCommitMetadata());
    if (partsPredicate == null) {
      writer = writer.option("overwriteSchema", "true")
          .options(table.properties())
          .partitionBy(table.partitionBy().toArray(String[]::new));
    } else {
      writer = writer.option("replaceWhere", partsPredicate);
    }
    writer.save(path(table));
    committed();
    Snapshot written = snapshot(table);
    // A separate commit, so it is made only when needed: reruns must not move versions.
    if (!table.description().equals(written.metadata().description())) {
      spark.sql("ALTER TABLE " + pathIdentifier(table) + " SET TBLPROPERTIES ('comment' = '"
          + table.description().replace("'", "\\'") + "')");
      committed();
    }
    return written.version();
  }

  /**
   * A new table's first version in one commit: its rows, description, properties (applied to
   * this first write's files too), partitioning and build state. Through Delta's own write
   * command, the one a path write runs, since neither public way does it in one commit: a path
   * write cannot set the description (a second commit), a CREATE TABLE AS SELECT drops the build
   * state in Delta 3.3 (it keeps a CTAS commit's user metadata only for a replace), and its
   * replace plans a query over the empty folder to list the files it would remove: one Spark job
   * per new table, ~4% of a full run's CPU. For a table that does not exist yet the command takes
   * the description from the {@code comment} key of the configuration, as CTAS hands it over.
   * Data files a write killed before its first commit left in the folder are not the table's:
   * the new table holds only its own rows ({@code LakehouseTest}).
   */
  private void create(Table table, Dataset<Row> rows, BuildState state) {
    java.util.Map<String, String> configuration = new java.util.LinkedHashMap<>(
        table.properties());
    configuration.put("comment", table.description());
    java.util.Map<String, String> options = state == null ? java.util.Map.of()
        : java.util.Map.of("userMetadata", state.toCommitMetadata());
    new WriteIntoDelta(DeltaLog.forTable(spark, path(table)), SaveMode.ErrorIfExists,
        new DeltaOptions(scalaMap(options), spark.sessionState().conf()),
        JavaConverters.asScalaBuffer(table.partitionBy()).toSeq(), scalaMap(configuration),
        withComments(table, rows), Option.empty(), Option.empty()).run(spark);
  }

  private static scala.collection.immutable.Map<String, String> scalaMap(
      java.util.Map<String, String> map) {
    return JavaConverters.mapAsScalaMap(map).toMap(scala.Predef.$conforms());
  }

  /** The table as SQL names a Delta table by its path. */
  private String pathIdentifier(Table table) {
    return "delta.`" + path(table).replace("`", "``") + "`";
  }

  /**
   * The table's latest snapshot, from Delta's in-process log cache. Reading versions, comments
   * and commit information here instead of through {@code DeltaTable.history()} matters: each
   * history DataFrame costs a query plan of its own, and a run asks ~40 tables several times.
   */
  private Snapshot snapshot(Table table) {
    return DeltaLog.forTable(spark, path(table)).update(false, Option.empty(), Option.empty());
  }

  private static <T> Optional<T> optional(Option<T> value) {
    return value.isDefined() ? Optional.of(value.get()) : Optional.empty();
  }

  /** The commit information Delta recorded with one version of the table. */
  private Optional<CommitInfo> commitInfo(Table table, long version) {
    return commitInfo(actions(table, version));
  }

  private static Optional<CommitInfo> commitInfo(List<Action> actions) {
    return actions.stream().filter(CommitInfo.class::isInstance).map(CommitInfo.class::cast)
        .findFirst();
  }

  /** What one version's commit did, from its log entry (no Spark job). */
  private List<Action> actions(Table table, long version) {
    var changes = DeltaLog.forTable(spark, path(table)).getChanges(version, version, false);
    List<Action> actions = new java.util.ArrayList<>();
    while (changes.hasNext()) {
      actions.addAll(JavaConverters.seqAsJavaList(changes.next()._2()));
    }
    return actions;
  }

  /**
   * What one commit wrote, from its log entry (no scan): the rows, by Delta's own operation
   * metrics (null when it recorded none), and the bytes of the data files it added, which for a
   * version written by {@link #replace} are the whole table's, the size a query on it plans with.
   */
  public record Written(Long rows, long bytes) {}

  /** What the commit of {@code version} wrote. */
  public Written written(Table table, long version) {
    List<Action> actions = actions(table, version);
    Long rows = commitInfo(actions)
        .flatMap(info -> optional(info.operationMetrics()))
        .flatMap(metrics -> optional(metrics.get("numOutputRows")))
        .map(Long::valueOf).orElse(null);
    return new Written(rows, actions.stream().filter(AddFile.class::isInstance)
        .mapToLong(action -> ((AddFile) action).size()).sum());
  }

  /** What the table's current rows were built from; empty when it does not exist yet. */
  public BuildState buildState(Table table) {
    // The data commit is nearly always the latest (a comment change may follow it): walk back.
    // A table that does not exist yet is at version -1, and has no state.
    for (long version = version(table); version >= 0; version--) {
      Optional<BuildState> state = commitInfo(table, version)
          .flatMap(info -> optional(info.userMetadata()))
          .flatMap(BuildState::fromCommitMetadata);
      if (state.isPresent()) {
        return state.get();
      }
    }
    return BuildState.empty();
  }

  /**
   * Adds rows in one commit, creating the table on first use: for logs, whose rows each run
   * writes once under its own run id, so a blind append never duplicates and reads nothing.
   */
  public void append(Table table, Dataset<Row> rows) {
    if (!exists(table)) {
      replace(table, rows, null);
      return;
    }
    withComments(table, rows).write().format("delta").mode("append").save(path(table));
    committed();
  }

  /** Sets columns of the rows matching {@code condition}, in one commit. */
  public void update(Table table, Column condition, java.util.Map<String, Column> values) {
    DeltaTable.forPath(spark, path(table)).update(condition, values);
    committed();
  }

  private void committed() {
    commits.incrementAndGet();
    commitsOfThread.get()[0]++;
  }

  /** Delta commits made through this lakehouse object so far. */
  public long commitsMade() {
    return commits.get();
  }

  /** Delta commits the calling thread made through this lakehouse object so far. */
  public long commitsMadeByThisThread() {
    return commitsOfThread.get()[0];
  }

  public long version(Table table) {
    return snapshot(table).version();
  }

  private static Dataset<Row> withComments(Table table, Dataset<Row> rows) {
    Column[] commented = Arrays.stream(rows.columns())
        .map(name -> rows.col(name).as(name, comment(table, name)))
        .toArray(Column[]::new);
    return rows.select(commented);
  }

  private static Metadata comment(Table table, String column) {
    String text = table.columns().get(column);
    if (text == null) {
      throw new IllegalStateException(table.qualifiedName() + "." + column
          + " has no declared meaning; declare it with the table");
    }
    return new MetadataBuilder().putString("comment", text).build();
  }
}
