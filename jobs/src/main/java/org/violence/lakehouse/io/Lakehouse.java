package org.violence.lakehouse.io;

import io.delta.tables.DeltaTable;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;

/**
 * The only place that knows where tables live and how they are written. A table is a Delta table
 * at {@code <root>/<layer>/<name>}; every write replaces the whole table in one Delta commit, so a
 * reader sees the previous version or the new one, never a mix, and a rerun over the same inputs
 * leaves the same contents instead of appending duplicates.
 */
public final class Lakehouse {
  private final SparkSession spark;
  private final String root;

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

  public boolean exists(Table table) {
    return DeltaTable.isDeltaTable(spark, path(table));
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
    spark.sparkContext().setJobDescription("write " + table.qualifiedName());
    boolean existed = exists(table);
    var writer = withComments(table, rows).write()
        .format("delta")
        .mode("overwrite")
        .option("userMetadata", state == null ? null : state.toCommitMetadata());
    if (partsPredicate == null) {
      writer = writer.option("overwriteSchema", "true")
          .partitionBy(table.partitionBy().toArray(String[]::new));
    } else {
      writer = writer.option("replaceWhere", partsPredicate);
    }
    writer.save(path(table));
    long written = version(table);
    // A separate commit, so it is made only when needed: reruns must not move versions.
    if (!existed || !table.description().equals(description(table))) {
      spark.sql("ALTER TABLE delta.`" + path(table) + "` SET TBLPROPERTIES ('comment' = '"
          + table.description().replace("'", "\\'") + "')");
    }
    return written;
  }

  private String description(Table table) {
    return DeltaTable.forPath(spark, path(table)).detail().select("description").first()
        .getString(0);
  }

  /** What the table's current rows were built from; empty when it does not exist yet. */
  public BuildState buildState(Table table) {
    if (!exists(table)) {
      return BuildState.empty();
    }
    // The data commit is nearly always among the last few (a comment change may follow it).
    return latestBuildState(DeltaTable.forPath(spark, path(table)).history(5))
        .or(() -> latestBuildState(DeltaTable.forPath(spark, path(table)).history()))
        .orElse(BuildState.empty());
  }

  private static java.util.Optional<BuildState> latestBuildState(Dataset<Row> history) {
    return history.where("userMetadata IS NOT NULL")
        .orderBy(org.apache.spark.sql.functions.desc("version"))
        .select("userMetadata").collectAsList().stream()
        .map(row -> BuildState.fromCommitMetadata(row.getString(0)))
        .flatMap(java.util.Optional::stream).findFirst();
  }

  /**
   * Inserts or replaces rows matched by {@code keyCondition} (over aliases {@code t}, the table,
   * and {@code s}, the new rows) in one MERGE commit, creating the table on first use: for logs
   * that a crashed run may have left half-told.
   */
  public void upsert(Table table, Dataset<Row> rows, String keyCondition) {
    if (!exists(table)) {
      replace(table, rows, null);
      return;
    }
    DeltaTable.forPath(spark, path(table)).as("t").merge(withComments(table, rows).as("s"),
        keyCondition).whenMatched().updateAll().whenNotMatched().insertAll().execute();
  }

  /** Rows written by a commit of the table (Delta's own operation metrics, no scan). */
  public Long rowsWritten(Table table, long version) {
    Row last = DeltaTable.forPath(spark, path(table)).history()
        .where("version = " + version).first();
    scala.collection.Map<String, String> metrics = last.getMap(last.fieldIndex("operationMetrics"));
    return metrics.get("numOutputRows").map(Long::valueOf).getOrElse(() -> null);
  }

  public long version(Table table) {
    return DeltaTable.forPath(spark, path(table)).history(1)
        .select("version").first().getLong(0);
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
