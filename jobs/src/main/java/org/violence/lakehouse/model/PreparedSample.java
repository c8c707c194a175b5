package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * A model's input reduced to compact columns, in one layout for both paths: outcome, offset (0
 * when none), analytic weight (1 when none), the regressors as an array, then the fixed-effect
 * and cluster keys as strings. Rows with a missing or non-finite value in any of them are left
 * out and counted, as R drops incomplete cases.
 */
final class PreparedSample {
  static final String OUTCOME = "_y";
  static final String OFFSET = "_offset";
  static final String WEIGHT = "_weight";
  static final String REGRESSORS = "_x";
  private static final String COMPLETE = "_complete";
  /** Position of the first fixed-effect key, the cluster keys after them. */
  static final int KEYS_FROM = 4;

  /** What a first look at the selected rows found. */
  record Summary(long total, long complete, double minOutcome, double maxOutcome,
      double minWeight, int minFeatures, int maxFeatures) {
    /** Regressors per row (all rows have as many, or {@link #check} refuses them). */
    int features() {
      return complete == 0 ? 0 : maxFeatures;
    }

    void check(FixedEffectsRegression params) {
      if (minFeatures != maxFeatures) {
        throw new IllegalArgumentException("the rows of " + params.getFeaturesCol() + " have "
            + "between " + minFeatures + " and " + maxFeatures + " values");
      }
    }
  }

  private PreparedSample() {}

  static String key(int index) {
    return "_key" + index;
  }

  /**
   * The compact columns, every row kept with a last column that says whether it is complete.
   */
  static Dataset<Row> select(Dataset<?> input, FixedEffectsRegression params) {
    List<Column> columns = new ArrayList<>();
    columns.add(col(params.getLabelCol()).cast("double").as(OUTCOME));
    columns.add(optional(params.getOffsetCol(), 0).as(OFFSET));
    columns.add(optional(params.getWeightCol(), 1).as(WEIGHT));
    columns.add(functions.vector_to_array(col(params.getFeaturesCol()), "float64")
        .as(REGRESSORS));
    int index = 0;
    for (String c : concat(params.getFixedEffectCols(), params.getClusterCols())) {
      columns.add(col(c).cast("string").as(key(index++)));
    }
    Column complete = col(OUTCOME).isNotNull().and(not(isnan(col(OUTCOME))))
        .and(col(OFFSET).isNotNull()).and(not(isnan(col(OFFSET))))
        .and(col(WEIGHT).isNotNull()).and(not(isnan(col(WEIGHT))))
        .and(col(REGRESSORS).isNotNull())
        .and(not(array_contains(col(REGRESSORS), Double.NaN)));
    for (int i = 0; i < index; i++) {
      complete = complete.and(col(key(i)).isNotNull());
    }
    return input.select(columns.toArray(Column[]::new)).withColumn(COMPLETE, complete);
  }

  /** The cells of the complete rows and the summary of all rows. */
  record Aggregated(List<Cells.Cell> cells, Summary summary) {}

  /**
   * Cells and summary from one Spark aggregation by key and completeness (the distributed
   * path): a large sample is read once for both.
   */
  static Aggregated aggregate(Dataset<Row> selected, int effects, int clusterings) {
    int keyCount = effects + clusterings;
    Column[] groups = new Column[keyCount + 1];
    for (int i = 0; i < keyCount; i++) {
      groups[i] = col(key(i));
    }
    groups[keyCount] = col(COMPLETE);
    List<Cells.Cell> cells = new ArrayList<>();
    Totals totals = new Totals();
    int at = keyCount + 1;
    for (Row r : selected.groupBy(groups).agg(count(lit(1)), sum(OUTCOME),
        sum(lit(1).minus(col(OUTCOME))), min(OUTCOME), max(OUTCOME), min(WEIGHT),
        min(size(col(REGRESSORS))), max(size(col(REGRESSORS)))).collectAsList()) {
      long rows = r.getLong(at);
      boolean complete = r.getBoolean(keyCount);
      if (!complete) {
        // Incomplete rows' ranges may be null; only their count matters.
        totals.add(rows, false, 0, 0, 0, 0, 0);
      } else {
        totals.add(rows, true, r.getDouble(at + 3), r.getDouble(at + 4), r.getDouble(at + 5),
            r.getInt(at + 6), r.getInt(at + 7));
        String[] keys = new String[keyCount];
        for (int i = 0; i < keyCount; i++) {
          keys[i] = r.getString(i);
        }
        cells.add(new Cells.Cell(java.util.Arrays.copyOfRange(keys, 0, effects),
            java.util.Arrays.copyOfRange(keys, effects, keyCount), rows, r.getDouble(at + 1),
            r.getDouble(at + 2)));
      }
    }
    return new Aggregated(cells, totals.summary());
  }

  /** The same summary of collected rows (the local path), without another Spark job. */
  static Summary summarise(List<InternalRow> selected) {
    Totals totals = new Totals();
    for (InternalRow row : selected) {
      boolean complete = isComplete(row);
      int features = complete ? row.getArray(3).numElements() : 0;
      totals.add(1, complete, row.isNullAt(0) ? 0 : row.getDouble(0),
          row.isNullAt(0) ? 0 : row.getDouble(0), row.isNullAt(2) ? 0 : row.getDouble(2),
          features, features);
    }
    return totals.summary();
  }

  /** Row counts, and the ranges of the complete rows' values, as groups of rows are added. */
  private static final class Totals {
    private long total;
    private long complete;
    private double minOutcome = Double.POSITIVE_INFINITY;
    private double maxOutcome = Double.NEGATIVE_INFINITY;
    private double minWeight = Double.POSITIVE_INFINITY;
    private int minFeatures = Integer.MAX_VALUE;
    private int maxFeatures;

    void add(long rows, boolean completeRows, double minY, double maxY, double minW,
        int fewestFeatures, int mostFeatures) {
      total += rows;
      if (!completeRows) {
        return;
      }
      complete += rows;
      minOutcome = Math.min(minOutcome, minY);
      maxOutcome = Math.max(maxOutcome, maxY);
      minWeight = Math.min(minWeight, minW);
      minFeatures = Math.min(minFeatures, fewestFeatures);
      maxFeatures = Math.max(maxFeatures, mostFeatures);
    }

    Summary summary() {
      return complete == 0 ? new Summary(total, 0, Double.NaN, Double.NaN, Double.NaN, 0, 0)
          : new Summary(total, complete, minOutcome, maxOutcome, minWeight, minFeatures,
              maxFeatures);
    }
  }

  static boolean isComplete(InternalRow row) {
    return row.getBoolean(row.numFields() - 1);
  }

  static Dataset<Row> complete(Dataset<Row> selected) {
    return selected.where(col(COMPLETE)).drop(COMPLETE);
  }

  private static Column optional(String column, double absent) {
    return column == null || column.isEmpty() ? lit(absent) : col(column).cast("double");
  }

  static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
