package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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

  /** The complete rows and what a first pass over the input found. */
  record Prepared(Dataset<Row> rows, long total, long complete, double minOutcome,
      double maxOutcome, double minWeight, int features) {}

  private PreparedSample() {}

  static String key(int index) {
    return "_key" + index;
  }

  static Prepared prepare(Dataset<?> input, FixedEffectsRegression params) {
    List<Column> columns = new ArrayList<>();
    columns.add(col(params.getLabelCol()).cast("double").as(OUTCOME));
    columns.add(optional(params.getOffsetCol(), 0).as(OFFSET));
    columns.add(optional(params.getWeightCol(), 1).as(WEIGHT));
    columns.add(functions.vector_to_array(col(params.getFeaturesCol()), "float64")
        .as(REGRESSORS));
    int index = 0;
    for (String c : concat(params.getFixedEffectCols(), params.getClusterCols())) {
      Column key = col(c).cast("string").as(key(index++));
      columns.add(key);
    }
    Column complete = col(OUTCOME).isNotNull().and(not(isnan(col(OUTCOME))))
        .and(col(OFFSET).isNotNull()).and(not(isnan(col(OFFSET))))
        .and(col(WEIGHT).isNotNull()).and(not(isnan(col(WEIGHT))))
        .and(col(REGRESSORS).isNotNull())
        .and(not(exists(col(REGRESSORS), v -> isnan(v).or(v.isNull()))));
    for (int i = 0; i < index; i++) {
      complete = complete.and(col(key(i)).isNotNull());
    }
    Dataset<Row> selected = input.select(columns.toArray(Column[]::new))
        .withColumn(COMPLETE, complete);
    Row summary = selected.agg(count(lit(1)), sum(when(col(COMPLETE), 1).otherwise(0)),
        min(when(col(COMPLETE), col(OUTCOME))), max(when(col(COMPLETE), col(OUTCOME))),
        min(when(col(COMPLETE), col(WEIGHT))), min(size(col(REGRESSORS))),
        max(size(col(REGRESSORS)))).first();
    if (!summary.isNullAt(5) && summary.getInt(5) != summary.getInt(6)) {
      throw new IllegalArgumentException("the rows of " + params.getFeaturesCol() + " have "
          + "between " + summary.getInt(5) + " and " + summary.getInt(6) + " values");
    }
    long completeRows = summary.isNullAt(1) ? 0 : summary.getLong(1);
    return new Prepared(selected.where(col(COMPLETE)).drop(COMPLETE), summary.getLong(0),
        completeRows, summary.isNullAt(2) ? Double.NaN : summary.getDouble(2),
        summary.isNullAt(3) ? Double.NaN : summary.getDouble(3),
        summary.isNullAt(4) ? Double.NaN : summary.getDouble(4),
        summary.isNullAt(6) ? 0 : summary.getInt(6));
  }

  private static Column optional(String column, double absent) {
    return column == null || column.isEmpty() ? lit(absent) : col(column).cast("double");
  }

  static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** The fixed-effect then cluster keys of a prepared row. */
  static String[] keys(Row row, int count) {
    String[] keys = new String[count];
    for (int i = 0; i < count; i++) {
      keys[i] = row.getString(4 + i);
    }
    return keys;
  }

  /** The regressors of a prepared row, with a leading 1 when the model has an intercept. */
  static double[] regressors(List<Double> values, int k, boolean intercept) {
    double[] x = new double[k];
    int shift = intercept ? 1 : 0;
    if (intercept) {
      x[0] = 1;
    }
    for (int j = 0; j < values.size(); j++) {
      x[j + shift] = values.get(j);
    }
    return x;
  }
}
