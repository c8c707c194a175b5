package org.violence.lakehouse.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cells of a sample: its distinct combinations of fixed-effect levels and cluster values,
 * with each cell's row count and outcome sums. Everything that depends on the fixed effects and
 * clusters only (which rows carry no information, how many levels each effect has, whether an
 * effect is nested in a cluster) is decided here, on the driver, from cells alone; the rows stay
 * where they are. Cells are sorted by their keys, so their order, and hence every sum over them,
 * does not depend on how Spark partitioned the rows.
 */
final class Cells {
  /** One cell as aggregated from the rows. */
  record Cell(String[] effectKeys, String[] clusterKeys, long rows, double outcomeSum,
      double outcomeComplementSum) {}

  /** Rows dropped before the fit because they carry no information, by reason. */
  record Dropped(long singletons, long separated) {}

  private final List<Cell> cells;
  private final int effects;
  private final int clusterings;
  /** Index in {@link #cells} of each active cell, in order. */
  private final int[] active;
  /** Position among active cells of each cell, or −1 when dropped. */
  private final int[] activeIndex;
  private final Dropped dropped;
  /** Levels of each effect, found when first asked (IRLS, inference and MLlib all ask). */
  private final Levels[] effectLevels;

  private Cells(List<Cell> cells, int effects, int clusterings, boolean[] keep,
      Dropped dropped) {
    this.cells = cells;
    this.effects = effects;
    this.clusterings = clusterings;
    this.dropped = dropped;
    this.effectLevels = new Levels[effects];
    this.activeIndex = new int[cells.size()];
    int count = 0;
    for (int c = 0; c < cells.size(); c++) {
      activeIndex[c] = keep[c] ? count++ : -1;
    }
    this.active = new int[count];
    for (int c = 0; c < cells.size(); c++) {
      if (keep[c]) {
        active[activeIndex[c]] = c;
      }
    }
  }

  static Comparator<String[]> keyOrder() {
    return (a, b) -> Arrays.compare(a, b);
  }

  /**
   * The cells, with the rows that carry no information under the fixed effects dropped as
   * reghdfe and ppmlhdfe drop them: singletons (the only row of a level: its effect fits it
   * exactly), and for Poisson every row of a level whose outcome is zero throughout, for logit
   * zero or one throughout (its effect would be infinite: separation). Dropping can leave new
   * singletons, so both repeat until nothing changes.
   */
  static Cells of(List<Cell> unsorted, int effects, int clusterings, GlmFamily family,
      boolean dropSingletons) {
    List<Cell> cells = new ArrayList<>(unsorted);
    Comparator<Cell> order = Comparator.comparing(Cell::effectKeys, keyOrder())
        .thenComparing(Cell::clusterKeys, keyOrder());
    if (!isSorted(cells, order)) {
      cells.sort(order);
    }
    boolean[] keep = new boolean[cells.size()];
    Arrays.fill(keep, true);
    long singletons = 0;
    long separated = 0;
    boolean changed = effects > 0;
    while (changed) {
      changed = false;
      for (int f = 0; f < effects; f++) {
        Map<String, double[]> levels = new HashMap<>();
        for (int c = 0; c < cells.size(); c++) {
          if (keep[c]) {
            Cell cell = cells.get(c);
            double[] s = levels.computeIfAbsent(cell.effectKeys()[f], k -> new double[3]);
            s[0] += cell.rows();
            s[1] += cell.outcomeSum();
            s[2] += cell.outcomeComplementSum();
          }
        }
        for (int c = 0; c < cells.size(); c++) {
          if (!keep[c]) {
            continue;
          }
          double[] s = levels.get(cells.get(c).effectKeys()[f]);
          boolean singleton = dropSingletons && s[0] == 1;
          boolean allZero = family != GlmFamily.GAUSSIAN && s[1] == 0;
          boolean allOne = family == GlmFamily.BINOMIAL && s[2] == 0;
          if (singleton || allZero || allOne) {
            keep[c] = false;
            changed = true;
            if (singleton) {
              singletons += cells.get(c).rows();
            } else {
              separated += cells.get(c).rows();
            }
          }
        }
      }
    }
    return new Cells(cells, effects, clusterings, keep, new Dropped(singletons, separated));
  }

  /** The local path hands its cells over in order already: checking is cheaper than sorting. */
  private static boolean isSorted(List<Cell> cells, Comparator<Cell> order) {
    for (int c = 1; c < cells.size(); c++) {
      if (order.compare(cells.get(c - 1), cells.get(c)) > 0) {
        return false;
      }
    }
    return true;
  }

  int size() {
    return cells.size();
  }

  int activeCount() {
    return active.length;
  }

  /** Position among active cells of cell {@code c} (in sorted order), or −1 if dropped. */
  int activeIndex(int c) {
    return activeIndex[c];
  }

  int[] activeIndex() {
    return activeIndex.clone();
  }

  Cell cell(int c) {
    return cells.get(c);
  }

  Dropped dropped() {
    return dropped;
  }

  /** Dense levels of effect f over the active cells, and the names of those levels. */
  Levels effectLevels(int f) {
    if (effectLevels[f] == null) {
      effectLevels[f] = levels(f, true);
    }
    return effectLevels[f];
  }

  /** Dense values of clustering d over the active cells. */
  Levels clusterLevels(int d) {
    return levels(d, false);
  }

  /** Levels of one effect or clustering: the level of each active cell, and the level names. */
  record Levels(int[] ofCell, List<String> names) {
    int count() {
      return names.size();
    }
  }

  private Levels levels(int index, boolean effect) {
    return levels(cell -> effect ? cell.effectKeys()[index] : cell.clusterKeys()[index]);
  }

  /** Clustering values combined (for two-way clustering's intersection term). */
  Levels clusterIntersection(int first, int second) {
    return levels(cell -> cell.clusterKeys()[first] + "\u0000" + cell.clusterKeys()[second]);
  }

  private Levels levels(java.util.function.Function<Cell, String> keyOf) {
    Map<String, Integer> codes = new HashMap<>();
    List<String> names = new ArrayList<>();
    int[] ofCell = new int[active.length];
    for (int a = 0; a < active.length; a++) {
      ofCell[a] = codes.computeIfAbsent(keyOf.apply(cells.get(active[a])), k -> {
        names.add(k);
        return names.size() - 1;
      });
    }
    return new Levels(ofCell, names);
  }

  /** True if every level of effect f lies within a single value of clustering d. */
  boolean nested(int f, int d) {
    Map<String, String> clusterOf = new HashMap<>();
    for (int c : active) {
      Cell cell = cells.get(c);
      String previous = clusterOf.putIfAbsent(cell.effectKeys()[f], cell.clusterKeys()[d]);
      if (previous != null && !previous.equals(cell.clusterKeys()[d])) {
        return false;
      }
    }
    return true;
  }

  int effects() {
    return effects;
  }

  int clusterings() {
    return clusterings;
  }
}
