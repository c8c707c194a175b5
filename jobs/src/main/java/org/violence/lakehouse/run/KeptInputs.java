package org.violence.lakehouse.run;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;

/**
 * The stages' input tables, each read from Delta once per version and kept in memory until the
 * run ends, with its row count. Many stages read the same small tables (silver.municipalities
 * above all), and each query on a Delta table costs a Spark job listing its files and a Parquet
 * scan; kept, a version is listed and scanned once (jobs/BENCHMARKS.md has what that gave). A
 * {@link Table#large} table, the national death certificates, is read from Delta each time
 * instead.
 *
 * <p>The rows are kept as a local checkpoint, not a cached Dataset: adaptive execution plans
 * over a cached Dataset with the sizes of whichever query stages have finished first, so a
 * stage's joins (and the order of its floating-point sums, hence the last bits of the panel's
 * spatial columns) changed from run to run. A checkpoint carries the size Delta gave the table,
 * as a Delta scan does, and two runs give the same bits. The price, on a cluster: kept rows live
 * on the executors without their lineage, so a run that loses an executor fails (naming the lost
 * checkpoint block), and the next run redoes the stages whose commits did not happen.
 */
final class KeptInputs {
  private final Lakehouse lakehouse;
  private final Map<String, Kept> kept = new ConcurrentHashMap<>();

  /** One version of a table: read from Delta, and checkpointed by the first stage reading it. */
  private static final class Kept {
    private final Dataset<Row> delta;
    private final boolean inMemory;
    private Dataset<Row> rows;
    private Long count;

    private Kept(Dataset<Row> delta, boolean inMemory) {
      this.delta = delta;
      this.inMemory = inMemory;
    }

    /** Checkpointed by one Spark job, whichever stage asks first; the others wait for it. */
    private synchronized Dataset<Row> rows() {
      if (rows == null) {
        rows = inMemory ? delta.localCheckpoint() : delta;
      }
      return rows;
    }

    private synchronized long count() {
      if (count == null) {
        count = rows().count();
      }
      return count;
    }

    private synchronized void release() {
      if (inMemory && rows != null) {
        ((LogicalRDD) rows.queryExecution().analyzed()).rdd().unpersist(false);
      }
    }
  }

  KeptInputs(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  /** The table as it is now. */
  Dataset<Row> read(Table table) {
    return kept(table).rows();
  }

  /** Rows of the table as it is now, counted once per version. */
  long rowCount(Table table) {
    return kept(table).count();
  }

  long version(Table table) {
    return lakehouse.version(table);
  }

  /** Frees the kept rows; a later read reads Delta again. */
  void release() {
    kept.values().forEach(Kept::release);
    kept.clear();
  }

  private Kept kept(Table table) {
    long version = lakehouse.version(table);
    String key = table.qualifiedName() + "@" + version;
    Kept known = kept.get(key);
    if (known != null) {
      return known;
    }
    // Made outside the map's lock: loading a version can start a Spark job.
    Kept read = new Kept(lakehouse.readVersion(table, version), !table.large());
    known = kept.putIfAbsent(key, read);
    return known != null ? known : read;
  }
}
