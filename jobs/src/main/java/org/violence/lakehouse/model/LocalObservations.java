package org.violence.lakehouse.model;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The local path: the sample's compact columns collected to the driver and summed in a loop.
 * Rows are put in a fixed order (by cell, then by values) so that a rerun, however Spark
 * partitioned the input, adds them in the same order and gives bit-identical estimates.
 */
final class LocalObservations implements Observations {
  private final double[] outcome;
  private final double[] offset;
  private final double[] weight;
  private final double[][] regressors;
  private final int[] cell;
  private final int k;

  private LocalObservations(double[] outcome, double[] offset, double[] weight,
      double[][] regressors, int[] cell, int k) {
    this.outcome = outcome;
    this.offset = offset;
    this.weight = weight;
    this.regressors = regressors;
    this.cell = cell;
    this.k = k;
  }

  /** Rows and their cells, from rows laid out as {@link PreparedSample} selects them. */
  record Collected(LocalObservations observations, List<Cells.Cell> cells) {}

  static Collected of(List<Row> rows, int effects, int clusterings, int k, boolean intercept) {
    int n = rows.size();
    String[][] keys = new String[n][];
    Map<List<String>, double[]> cellSums = new HashMap<>();
    for (int i = 0; i < n; i++) {
      keys[i] = PreparedSample.keys(rows.get(i), effects + clusterings);
      double y = rows.get(i).getDouble(0);
      double[] s = cellSums.computeIfAbsent(List.of(keys[i]), key -> new double[3]);
      s[0]++;
      s[1] += y;
      s[2] += 1 - y;
    }
    List<List<String>> sortedKeys = cellSums.keySet().stream()
        .sorted(Comparator.comparing(l -> l.toArray(String[]::new), Cells.keyOrder())).toList();
    Map<List<String>, Integer> cellIds = new HashMap<>();
    List<Cells.Cell> cells = new java.util.ArrayList<>();
    for (List<String> key : sortedKeys) {
      cellIds.put(key, cells.size());
      double[] s = cellSums.get(key);
      cells.add(new Cells.Cell(key.subList(0, effects).toArray(String[]::new),
          key.subList(effects, key.size()).toArray(String[]::new), (long) s[0], s[1], s[2]));
    }
    Integer[] order = new Integer[n];
    int[] cellOfRow = new int[n];
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      order[i] = i;
      cellOfRow[i] = cellIds.get(List.of(keys[i]));
      x[i] = PreparedSample.regressors(rows.get(i).getList(3), k, intercept);
    }
    Comparator<Integer> byCell = Comparator.comparingInt(i -> cellOfRow[i]);
    Arrays.sort(order, byCell.thenComparing(i -> rowValues(rows.get(i), x[i]),
        Arrays::compare));
    double[] outcome = new double[n];
    double[] offset = new double[n];
    double[] weight = new double[n];
    double[][] regressors = new double[n][];
    int[] cell = new int[n];
    for (int p = 0; p < n; p++) {
      Row row = rows.get(order[p]);
      outcome[p] = row.getDouble(0);
      offset[p] = row.getDouble(1);
      weight[p] = row.getDouble(2);
      regressors[p] = x[order[p]];
      cell[p] = cellOfRow[order[p]];
    }
    return new Collected(new LocalObservations(outcome, offset, weight, regressors, cell, k),
        cells);
  }

  private static double[] rowValues(Row row, double[] x) {
    double[] v = new double[x.length + 3];
    v[0] = row.getDouble(0);
    v[1] = row.getDouble(1);
    v[2] = row.getDouble(2);
    System.arraycopy(x, 0, v, 3, x.length);
    return v;
  }

  @Override
  public int regressors() {
    return k;
  }

  @Override
  public <S extends RowStatistics<S>> S aggregate(S zero) {
    for (int i = 0; i < outcome.length; i++) {
      zero.add(outcome[i], offset[i], weight[i], regressors[i], cell[i]);
    }
    return zero;
  }
}
