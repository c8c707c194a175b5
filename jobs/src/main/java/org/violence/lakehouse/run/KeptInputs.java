package org.violence.lakehouse.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.catalyst.plans.logical.Statistics$;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.execution.LogicalRDD$;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;
import scala.Option;
import scala.math.BigInt;

/**
 * The stages' input tables, each read from Delta once per version and kept in memory until the
 * run ends, with its row count; a version this run wrote whole is kept as written instead
 * ({@link #keepWritten}). Many stages read the same small tables (silver.municipalities
 * above all), and each query on a Delta table costs a Spark job listing its files and a Parquet
 * scan; kept, a version is listed and scanned once (jobs/BENCHMARKS.md has what that gave). A
 * {@link Table#large} table, the national death certificates, is read from Delta each time
 * instead.
 *
 * <p>The rows are kept as a local checkpoint, not a cached Dataset: adaptive execution plans
 * over a cached Dataset with the sizes of whichever query stages have finished first, so a
 * stage's joins (and the order of its floating-point sums, hence the last bits of the panel's
 * spatial columns) changed from run to run. A checkpoint carries the size Delta gave the table,
 * as a Delta scan does, and two runs give the same bits.
 *
 * <p>In local mode the checkpoint lives in the one JVM's block manager. On a cluster a local
 * checkpoint would live on the executors without its lineage, so a run that lost an executor (a
 * preempted node) would fail; there the rows are checkpointed reliably instead, as files under
 * the lakehouse's {@value #CHECKPOINTS} folder (unless the session already has a checkpoint
 * folder), deleted with the folder when the run ends, so that the lakehouse holds only tables
 * for its readers. What a killed run left there is deleted by the next run that keeps inputs on
 * that lakehouse.
 */
final class KeptInputs {
  /** The folder under the lakehouse root that holds a cluster run's kept rows. */
  static final String CHECKPOINTS = "_checkpoints";
  private final Lakehouse lakehouse;
  private final boolean reliable;
  /** The {@value #CHECKPOINTS} folder when this run made it the session's, else null. */
  private final Path checkpoints;
  private final Map<String, Kept> kept = new ConcurrentHashMap<>();

  /** One version of a table: read from Delta, and checkpointed by the first stage reading it. */
  private static final class Kept {
    private final Dataset<Row> delta;
    private final boolean inMemory;
    private final boolean reliable;
    private Dataset<Row> rows;
    private Long count;

    private Kept(Dataset<Row> delta, boolean inMemory, boolean reliable) {
      this.delta = delta;
      this.inMemory = inMemory;
      this.reliable = reliable;
    }

    /** A version this run wrote: its rows are the ones written, already kept. */
    private Kept(Dataset<Row> delta, Dataset<Row> rows, Long count, boolean reliable) {
      this(delta, true, reliable);
      this.rows = rows;
      this.count = count;
    }

    /** Checkpointed whichever stage asks first; the others wait for it. */
    private synchronized Dataset<Row> rows() {
      if (rows == null) {
        rows = !inMemory ? delta : reliable ? delta.checkpoint() : delta.localCheckpoint();
      }
      return rows;
    }

    private synchronized long count() {
      if (count == null) {
        count = rows().count();
      }
      return count;
    }

    private synchronized void release(Configuration hadoop) {
      if (inMemory && rows != null) {
        free(rows, hadoop);
      }
    }
  }

  /** Local checkpoints in local mode, reliable ones on a cluster. */
  KeptInputs(Lakehouse lakehouse) {
    this(lakehouse, !lakehouse.spark().sparkContext().isLocal());
  }

  KeptInputs(Lakehouse lakehouse, boolean reliable) {
    this.lakehouse = lakehouse;
    this.reliable = reliable;
    SparkContext context = lakehouse.spark().sparkContext();
    Path folder = new Path(lakehouse.root() + "/" + CHECKPOINTS);
    if (reliable && context.getCheckpointDir().isEmpty()) {
      context.setCheckpointDir(folder.toString());
      deleteAllBut(folder, new Path(context.getCheckpointDir().get()), hadoop());
    }
    // Also when an earlier run in this session made the folder the session's.
    checkpoints = reliable && context.getCheckpointDir().isDefined()
        && sameFolder(new Path(context.getCheckpointDir().get()).getParent(), folder, hadoop())
        ? folder : null;
  }

  /**
   * A stage's output rows computed once, for the gate, the write and {@link #keepWritten}:
   * checkpointed as the kept inputs are. A cached Dataset, used before, cost the driver more:
   * Spark plans the cached query apart and then again as a query stage of each reader, and
   * builds column batches.
   */
  Dataset<Row> computeOnce(Dataset<Row> rows) {
    return reliable ? rows.checkpoint() : rows.localCheckpoint();
  }

  /** Frees rows from {@link #computeOnce} that were not kept. */
  void free(Dataset<Row> computed) {
    free(computed, hadoop());
  }

  private static void free(Dataset<Row> computed, Configuration hadoop) {
    RDD<?> rows = ((LogicalRDD) computed.queryExecution().analyzed()).rdd();
    rows.unpersist(false);
    if (rows.getCheckpointFile().isDefined()) {
      delete(new Path(rows.getCheckpointFile().get()), hadoop);
    }
  }

  /**
   * Keeps the rows a stage just wrote as the whole of {@code version}, so that the stages after
   * it in this run do not read them back from Delta: the first query on a new version replays
   * its log and lists its files, about as costly as computing a small table in the first place.
   * {@code rows} must be what {@link Lakehouse#replace} committed as that version (whose
   * commit says what was {@code written}), from {@link #computeOnce}. Returns whether it was
   * kept (else the caller frees it).
   *
   * <p>The kept rows plan like the Delta scan they stand for, so that a later stage's joins,
   * and the bits of its results, are the same as in a run that read the version from Delta (one
   * resumed after a kill): the table's schema as Delta reads it, no partitioning or ordering
   * known, and the size of the version's files.
   */
  boolean keepWritten(Table table, long version, Dataset<Row> rows, Lakehouse.Written written) {
    Dataset<Row> delta = lakehouse.readVersion(table, version);
    if (!sameColumns(delta.schema(), rows.schema())) {
      return false; // read from Delta if a stage asks
    }
    kept.put(key(table, version), new Kept(delta, asDeltaScan(rows, delta.schema(),
        written.bytes()), written.rows(), reliable));
    return true;
  }

  /** Checkpointed rows under a Delta scan's schema and size, partitioning and order unknown. */
  @SuppressWarnings("unchecked")
  private Dataset<Row> asDeltaScan(Dataset<Row> checkpointed, StructType schema, long bytes) {
    SparkSession spark = lakehouse.spark();
    var attributes = (scala.collection.Seq<Attribute>) (scala.collection.Seq<?>)
        DataTypeUtils.toAttributes(schema);
    Statistics size = Statistics$.MODULE$.apply(BigInt.apply(bytes),
        Statistics$.MODULE$.apply$default$2(), Statistics$.MODULE$.apply$default$3(),
        Statistics$.MODULE$.apply$default$4());
    LogicalRDD plan = new LogicalRDD(attributes,
        ((LogicalRDD) checkpointed.queryExecution().analyzed()).rdd(),
        LogicalRDD$.MODULE$.$lessinit$greater$default$3(),
        LogicalRDD$.MODULE$.$lessinit$greater$default$4(), false, spark, Option.apply(size),
        Option.empty());
    return new Dataset<>(spark, plan, Encoders.row(schema));
  }

  /** Same names and types in the same order; Delta may read a column as nullable. */
  private static boolean sameColumns(StructType delta, StructType written) {
    return delta.length() == written.length() && java.util.stream.IntStream.range(0,
        delta.length()).allMatch(i -> delta.fields()[i].name().equals(written.fields()[i].name())
        && delta.fields()[i].dataType().equals(written.fields()[i].dataType()));
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
    kept.values().forEach(rows -> rows.release(hadoop()));
    kept.clear();
    if (checkpoints != null) {
      // The lock keeps other runs off the lakehouse, so the folder holds only this run's
      // files; a later run in this session checkpoints again, and Spark makes it anew.
      delete(checkpoints, hadoop());
    }
  }

  private Kept kept(Table table) {
    long version = lakehouse.version(table);
    String key = key(table, version);
    Kept known = kept.get(key);
    if (known != null) {
      return known;
    }
    // Made outside the map's lock: loading a version can start a Spark job.
    Kept read = new Kept(lakehouse.readVersion(table, version), !table.large(), reliable);
    known = kept.putIfAbsent(key, read);
    return known != null ? known : read;
  }

  private static String key(Table table, long version) {
    return table.qualifiedName() + "@" + version;
  }

  private Configuration hadoop() {
    return lakehouse.spark().sparkContext().hadoopConfiguration();
  }

  /**
   * What killed runs left: Spark makes one folder per context under {@code folder}, and
   * {@code current} is this JVM's; the lock keeps any other run off this lakehouse.
   */
  private static void deleteAllBut(Path folder, Path current, Configuration hadoop) {
    try {
      FileSystem fs = folder.getFileSystem(hadoop);
      for (FileStatus left : fs.listStatus(folder)) {
        if (!fs.makeQualified(left.getPath()).equals(fs.makeQualified(current))) {
          delete(left.getPath(), hadoop);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean sameFolder(Path a, Path b, Configuration hadoop) {
    try {
      FileSystem fs = b.getFileSystem(hadoop);
      return fs.makeQualified(a).equals(fs.makeQualified(b));
    } catch (IOException | IllegalArgumentException e) {
      return false; // another file system than the lakehouse's
    }
  }

  private static void delete(Path path, Configuration hadoop) {
    try {
      path.getFileSystem(hadoop).delete(path, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
