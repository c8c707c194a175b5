package org.violence.lakehouse.model;

import java.util.Arrays;

/**
 * Absorbed fixed effects: for every observation, the level it takes in each effect. Demeaning
 * uses the method of alternating projections (as reghdfe and fixest do): subtract the weighted
 * mean of each level of each effect in turn until a sweep changes nothing, which leaves the
 * residual of a weighted regression on all the dummies without building them, so the number of
 * levels is unbounded.
 */
final class FixedEffects {
  /** A sweep stops the projections once it moves no value by more than this, relatively. */
  private static final double TOLERANCE = 1e-13;
  private static final int MAX_SWEEPS = 100_000;

  private final int[][] levels;
  private final int[] levelCounts;

  /** {@code levels[f][i]}: the level (0-based, dense) of observation i in effect f. */
  FixedEffects(int[][] levels) {
    this.levels = levels;
    this.levelCounts = Arrays.stream(levels)
        .mapToInt(l -> Arrays.stream(l).max().orElse(-1) + 1).toArray();
  }

  int effects() {
    return levels.length;
  }

  int levelCount(int effect) {
    return levelCounts[effect];
  }

  /**
   * Number of coefficients the dummies would contribute, the intercept included: exact for one
   * or two effects (levels minus the connected components of the bipartite level graph, as in
   * fixest), and each further effect counted with one level as reference (an upper bound).
   */
  int parameters() {
    if (levels.length == 0) {
      return 0;
    }
    int count = levelCounts[0];
    if (levels.length >= 2) {
      count += levelCounts[1] - components(levels[0], levels[1], levelCounts[0], levelCounts[1]);
    }
    for (int f = 2; f < levels.length; f++) {
      count += levelCounts[f] - 1;
    }
    return count;
  }

  private static int components(int[] a, int[] b, int na, int nb) {
    int[] parent = new int[na + nb];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
    int components = parent.length;
    for (int i = 0; i < a.length; i++) {
      int x = root(parent, a[i]);
      int y = root(parent, na + b[i]);
      if (x != y) {
        parent[x] = y;
        components--;
      }
    }
    return components;
  }

  private static int root(int[] parent, int node) {
    while (parent[node] != node) {
      parent[node] = parent[parent[node]];
      node = parent[node];
    }
    return node;
  }

  /**
   * {@code values} minus its weighted projection on the dummies of every effect, in place.
   * Returns the number of sweeps, or -1 if the projections did not converge.
   */
  int demean(double[] values, double[] weights) {
    if (levels.length == 0) {
      return 0;
    }
    double scale = 0;
    for (double v : values) {
      scale = Math.max(scale, Math.abs(v));
    }
    double limit = TOLERANCE * Math.max(scale, 1e-300);
    double[][] sums = new double[levels.length][];
    double[][] weightSums = new double[levels.length][];
    for (int f = 0; f < levels.length; f++) {
      sums[f] = new double[levelCounts[f]];
      weightSums[f] = new double[levelCounts[f]];
      for (int i = 0; i < values.length; i++) {
        weightSums[f][levels[f][i]] += weights[i];
      }
    }
    for (int sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
      double moved = 0;
      for (int f = 0; f < levels.length; f++) {
        double[] sum = sums[f];
        Arrays.fill(sum, 0);
        int[] level = levels[f];
        for (int i = 0; i < values.length; i++) {
          sum[level[i]] += weights[i] * values[i];
        }
        for (int g = 0; g < sum.length; g++) {
          sum[g] /= weightSums[f][g];
          moved = Math.max(moved, Math.abs(sum[g]));
        }
        for (int i = 0; i < values.length; i++) {
          values[i] -= sum[level[i]];
        }
      }
      if (levels.length == 1 || moved <= limit) {
        return sweep;
      }
    }
    return -1;
  }
}
