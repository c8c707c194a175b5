package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The distributed path: the sample stays on the executors as compact rows (cached once), and
 * each IRLS step is one {@code treeAggregate} of its sufficient statistics. The driver holds
 * only the cells (distinct fixed-effect and cluster combinations: ~64,000 for municipality ×
 * year, however many millions of rows), found by one Spark aggregation.
 */
final class DistributedObservations implements Observations {
  static final String CELL = "_cell";
  private static final int TREE_DEPTH = 2;
  /** Rows per block: a few MB each, so that a task never holds a partition's rows as objects. */
  private static final int BLOCK_ROWS = 1 << 16;

  private final JavaRDD<RowBlock> rows;
  private final int k;

  private DistributedObservations(JavaRDD<RowBlock> rows, int k) {
    this.rows = rows;
    this.k = k;
  }

  /** The prepared rows tagged with their cell's position in {@code cells}, cached. */
  static DistributedObservations of(Dataset<Row> prepared, Cells cells, int k,
      boolean intercept) {
    Dataset<Row> tagged = tagged(prepared, cells, false);
    // One block of primitive columns per partition, not an object per row (see RowBlock).
    JavaRDD<RowBlock> rows = tagged.select(col(PreparedSample.OUTCOME),
            col(PreparedSample.OFFSET), col(PreparedSample.WEIGHT),
            col(PreparedSample.REGRESSORS), col(CELL))
        // Spark's internal rows: their arrays convert to double[] without boxing each value.
        .queryExecution().toRdd().toJavaRDD().mapPartitions(partition -> {
          List<RowBlock> blocks = new ArrayList<>();
          RowBlock.Builder builder = new RowBlock.Builder(BLOCK_ROWS, k, intercept);
          while (partition.hasNext()) {
            InternalRow r = partition.next();
            builder.add(r.getDouble(0), r.getDouble(1), r.getDouble(2),
                r.getArray(3).toDoubleArray(), r.getInt(4));
            if (builder.full() || !partition.hasNext()) {
              blocks.add(builder.build());
            }
          }
          return blocks.iterator();
        })
        .persist(StorageLevel.MEMORY_AND_DISK());
    return new DistributedObservations(rows, k);
  }

  /**
   * The prepared rows with their cell's position ({@link #CELL}); with {@code activeOnly}, only
   * the rows of the cells the fit keeps.
   */
  static Dataset<Row> tagged(Dataset<Row> prepared, Cells cells, boolean activeOnly) {
    int keyCount = cells.effects() + cells.clusterings();
    if (keyCount == 0) {
      return prepared.withColumn(CELL, lit(0));
    }
    StructType schema = new StructType();
    for (int i = 0; i < keyCount; i++) {
      schema = schema.add(PreparedSample.key(i), DataTypes.StringType);
    }
    schema = schema.add(CELL, DataTypes.IntegerType);
    List<Row> ids = new ArrayList<>();
    for (int c = 0; c < cells.size(); c++) {
      if (activeOnly && cells.activeIndex(c) < 0) {
        continue;
      }
      Object[] values = new Object[keyCount + 1];
      Cells.Cell cell = cells.cell(c);
      System.arraycopy(cell.effectKeys(), 0, values, 0, cell.effectKeys().length);
      System.arraycopy(cell.clusterKeys(), 0, values, cell.effectKeys().length,
          cell.clusterKeys().length);
      values[keyCount] = c;
      ids.add(RowFactory.create(values));
    }
    Dataset<Row> cellIds = prepared.sparkSession().createDataFrame(ids, schema);
    List<String> joinKeys = new ArrayList<>();
    for (int i = 0; i < keyCount; i++) {
      joinKeys.add(PreparedSample.key(i));
    }
    return prepared.join(broadcast(cellIds),
        scala.collection.JavaConverters.asScalaBuffer(joinKeys).toSeq());
  }

  @Override
  public int regressors() {
    return k;
  }

  @Override
  public <S extends RowStatistics<S>> S aggregate(S zero) {
    return rows.treeAggregate(zero, RowStatistics::addAll, RowStatistics::merge, TREE_DEPTH);
  }

  @Override
  public void release() {
    rows.unpersist(false);
  }
}
