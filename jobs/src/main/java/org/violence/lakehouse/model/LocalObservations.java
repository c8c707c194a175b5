package org.violence.lakehouse.model;

import java.util.ArrayList;
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
  private final RowBlock rows;

  private LocalObservations(RowBlock rows) {
    this.rows = rows;
  }

  /** Rows and their cells, from rows laid out as {@link PreparedSample} selects them. */
  record Collected(LocalObservations observations, List<Cells.Cell> cells) {}

  static Collected of(List<Row> rows, int effects, int clusterings, int k, boolean intercept) {
    int n = rows.size();
    int keyCount = effects + clusterings;
    Map<String, Integer> firstSeen = new HashMap<>();
    List<String> joinedKeys = new ArrayList<>();
    List<double[]> sums = new ArrayList<>();
    int[] seenCell = new int[n];
    for (int i = 0; i < n; i++) {
      String joined = joinedKey(PreparedSample.keys(rows.get(i), keyCount));
      Integer id = firstSeen.get(joined);
      if (id == null) {
        id = joinedKeys.size();
        firstSeen.put(joined, id);
        joinedKeys.add(joined);
        sums.add(new double[3]);
      }
      seenCell[i] = id;
      double y = rows.get(i).getDouble(0);
      double[] s = sums.get(id);
      s[0]++;
      s[1] += y;
      s[2] += 1 - y;
    }
    // Joined with U+0000, which sorts before every other character, the keys sort as the
    // tuples Cells sorts them by, so the cells built here are already in Cells' order.
    Integer[] byKey = new Integer[joinedKeys.size()];
    for (int c = 0; c < byKey.length; c++) {
      byKey[c] = c;
    }
    Arrays.sort(byKey, Comparator.comparing(joinedKeys::get));
    int[] rank = new int[byKey.length];
    List<Cells.Cell> cells = new ArrayList<>(byKey.length);
    for (int p = 0; p < byKey.length; p++) {
      rank[byKey[p]] = p;
      String[] keys = joinedKeys.get(byKey[p]).split("\u0000", -1);
      double[] s = sums.get(byKey[p]);
      cells.add(new Cells.Cell(Arrays.copyOfRange(keys, 0, effects),
          Arrays.copyOfRange(keys, effects, keyCount), (long) s[0], s[1], s[2]));
    }
    int[] cellOfRow = new int[n];
    int[] start = new int[cells.size() + 1];
    for (int i = 0; i < n; i++) {
      cellOfRow[i] = rank[seenCell[i]];
      start[cellOfRow[i] + 1]++;
    }
    for (int c = 0; c < cells.size(); c++) {
      start[c + 1] += start[c];
    }
    int[] order = new int[n];
    int[] filled = start.clone();
    for (int i = 0; i < n; i++) {
      order[filled[cellOfRow[i]]++] = i;
    }
    for (int c = 0; c < cells.size(); c++) {
      if (start[c + 1] - start[c] > 1) {
        Integer[] segment = new Integer[start[c + 1] - start[c]];
        for (int p = 0; p < segment.length; p++) {
          segment[p] = order[start[c] + p];
        }
        Arrays.sort(segment, (i, j) -> Arrays.compare(rowValues(rows.get(i)),
            rowValues(rows.get(j))));
        for (int p = 0; p < segment.length; p++) {
          order[start[c] + p] = segment[p];
        }
      }
    }
    RowBlock block = new RowBlock(n, k);
    for (int p = 0; p < n; p++) {
      double[] v = rowValues(rows.get(order[p]));
      block.set(p, v[0], v[1], v[2], java.util.Arrays.copyOfRange(v, 3, v.length),
          cellOfRow[order[p]], intercept);
    }
    return new Collected(new LocalObservations(block), cells);
  }

  private static String joinedKey(String[] keys) {
    for (String key : keys) {
      if (key.indexOf('\u0000') >= 0) {
        throw new IllegalArgumentException("a fixed-effect or cluster key holds the character "
            + "U+0000: " + key.replace('\u0000', '?'));
      }
    }
    return String.join("\u0000", keys);
  }

  private static double[] rowValues(Row row) {
    java.util.List<Double> x = row.getList(3);
    double[] v = new double[x.size() + 3];
    v[0] = row.getDouble(0);
    v[1] = row.getDouble(1);
    v[2] = row.getDouble(2);
    for (int j = 0; j < x.size(); j++) {
      v[j + 3] = x.get(j);
    }
    return v;
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
