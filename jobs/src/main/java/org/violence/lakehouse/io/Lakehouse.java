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

  /** Replaces the table's contents and returns the Delta version written. */
  public long replace(Table table, Dataset<Row> rows) {
    spark.sparkContext().setJobDescription("write " + table.qualifiedName());
    withComments(table, rows).write()
        .format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        .option("userMetadata", table.description())
        .partitionBy(table.partitionBy().toArray(String[]::new))
        .save(path(table));
    spark.sql("ALTER TABLE delta.`" + path(table) + "` SET TBLPROPERTIES ('comment' = '"
        + table.description().replace("'", "\\'") + "')");
    return version(table);
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
