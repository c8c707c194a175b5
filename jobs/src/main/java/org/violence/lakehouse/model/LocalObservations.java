package org.violence.lakehouse.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The local path: the sample's compact columns collected to the driver and summed in a loop.
 * Rows are put in a fixed order (by cell, then by values) so that a rerun, however Spark
 * partitioned the input, adds them in the same order and gives bit-identical estimates.
 */
final class LocalObservations implements Observations {
  private final RowBlock rows;

  private LocalObservations(RowBlock rows) {
    this.rows = rows;
  }

  /** Rows and their cells, from rows laid out as {@link PreparedSample} selects them. */
  record Collected(LocalObservations observations, List<Cells.Cell> cells) {}

  /**
   * The complete rows, as Spark's internal rows (their arrays read as double[] without boxing
   * each value), put in cell order: each key column's distinct values are ranked as strings, the
   * rows sorted by their tuple of ranks (a stable counting sort per key, last key first), which
   * is the order {@link Cells} sorts cells by, and the rows of one cell by their values.
   */
  static Collected of(List<InternalRow> rows, int effects, int clusterings, int k,
      boolean intercept) {
    int n = rows.size();
    int keyCount = effects + clusterings;
    // Read once, in the order collected (sequential memory), then permuted as primitives.
    int features = k - (intercept ? 1 : 0);
    double[][] values = new double[n][];
    for (int i = 0; i < n; i++) {
      InternalRow row = rows.get(i);
      ArrayData x = row.getArray(3);
      double[] v = new double[3 + features];
      v[0] = row.getDouble(0);
      v[1] = row.getDouble(1);
      v[2] = row.getDouble(2);
      for (int j = 0; j < features; j++) {
        v[3 + j] = x.getDouble(j);
      }
      values[i] = v;
    }
    int[][] rankOfRow = new int[keyCount][n];
    List<List<String>> sortedNames = new ArrayList<>();
    for (int key = 0; key < keyCount; key++) {
      sortedNames.add(rank(rows, PreparedSample.KEYS_FROM + key, rankOfRow[key]));
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int key = keyCount - 1; key >= 0; key--) {
      order = countingSort(order, rankOfRow[key], sortedNames.get(key).size());
    }
    List<Cells.Cell> cells = new ArrayList<>();
    RowBlock block = new RowBlock(n, k);
    for (int from = 0, to; from < n; from = to) {
      to = from + 1;
      while (to < n && sameCell(rankOfRow, order[from], order[to])) {
        to++;
      }
      if (to - from > 1) {
        sortByValues(values, order, from, to);
      }
      double outcomeSum = 0;
      double complementSum = 0;
      for (int p = from; p < to; p++) {
        double[] v = values[order[p]];
        outcomeSum += v[0];
        complementSum += 1 - v[0];
        block.set(p, v[0], v[1], v[2], v, 3, cells.size(), intercept);
      }
      String[] keys = new String[keyCount];
      for (int key = 0; key < keyCount; key++) {
        keys[key] = sortedNames.get(key).get(rankOfRow[key][order[from]]);
      }
      cells.add(new Cells.Cell(Arrays.copyOfRange(keys, 0, effects),
          Arrays.copyOfRange(keys, effects, keyCount), to - from, outcomeSum, complementSum));
    }
    return new Collected(new LocalObservations(block), cells);
  }

  /**
   * Each row's rank, among the column's distinct values sorted as Java strings (as {@link Cells}
   * compares keys), into {@code rankOfRow}; returns the sorted distinct values.
   */
  private static List<String> rank(List<InternalRow> rows, int column, int[] rankOfRow) {
    Map<UTF8String, Integer> firstSeen = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      UTF8String value = rows.get(i).getUTF8String(column);
      Integer code = firstSeen.get(value);
      if (code == null) {
        code = names.size();
        firstSeen.put(value, code);
        names.add(value.toString());
      }
      rankOfRow[i] = code;
    }
    Integer[] byName = new Integer[names.size()];
    for (int c = 0; c < byName.length; c++) {
      byName[c] = c;
    }
    Arrays.sort(byName, Comparator.comparing(names::get));
    int[] rankOfCode = new int[byName.length];
    List<String> sorted = new ArrayList<>(byName.length);
    for (int r = 0; r < byName.length; r++) {
      rankOfCode[byName[r]] = r;
      sorted.add(names.get(byName[r]));
    }
    for (int i = 0; i < rankOfRow.length; i++) {
      rankOfRow[i] = rankOfCode[rankOfRow[i]];
    }
    return sorted;
  }

  /** {@code order} stably sorted by {@code rank} of each row (ranks below {@code count}). */
  private static int[] countingSort(int[] order, int[] rank, int count) {
    int[] start = new int[count + 1];
    for (int i : order) {
      start[rank[i] + 1]++;
    }
    for (int r = 0; r < count; r++) {
      start[r + 1] += start[r];
    }
    int[] sorted = new int[order.length];
    for (int i : order) {
      sorted[start[rank[i]]++] = i;
    }
    return sorted;
  }

  private static boolean sameCell(int[][] rankOfRow, int a, int b) {
    for (int[] rank : rankOfRow) {
      if (rank[a] != rank[b]) {
        return false;
      }
    }
    return true;
  }

  /** The rows of one cell, {@code order[from, to)}, sorted by outcome, offset, weight, x. */
  private static void sortByValues(double[][] values, int[] order, int from, int to) {
    Integer[] segment = new Integer[to - from];
    for (int p = 0; p < segment.length; p++) {
      segment[p] = order[from + p];
    }
    Arrays.sort(segment, (i, j) -> Arrays.compare(values[i], values[j]));
    for (int p = 0; p < segment.length; p++) {
      order[from + p] = segment[p];
    }
  }

  @Override
  public int regressors() {
    return rows.k;
  }

  @Override
  public <S extends RowStatistics<S>> S aggregate(S zero) {
    return zero.addAll(rows);
  }
}
