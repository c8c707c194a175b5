package org.violence.lakehouse.model;

/**
 * One IRLS step's sufficient statistics at the current linear predictor: per cell, the total
 * weight and the weighted sums of the regressors and of the working outcome; over all rows, the
 * weighted scatter of the regressors and the working outcome around their cell means (within
 * cells); and the deviance at the current means. From these alone {@link Irls} solves the
 * weighted least squares with the fixed effects absorbed.
 *
 * <p>The within-cell scatter is accumulated around running cell means (West's weighted update,
 * with Chan's formula to merge partial sums), not as X'WX minus the cells' part: for a regressor
 * that barely moves within a municipality the two nearly cancel, and the subtraction would leave
 * rounding noise of the size of the signal. With one row per cell (the panel) it is exactly 0.
 */
final class WlsStatistics implements RowStatistics<WlsStatistics> {
  final RowStatistics.IrlsState state;
  final int k;
  /*
   * The per-cell sums are made when the first row arrives: a distributed step's zero goes into
   * its tasks' closure, and for the panel's ~60,000 cells its zeros made every step's task
   * binary 7-48 MB (Spark's "Broadcasting large task binary"), where the state it needs is a
   * fraction of that.
   */
  private double[] weight;
  private double[] weightedX;
  private double[] weightedZ;
  /**
   * Within-cell weighted cross-products of (x₁..x_k, z), lower triangle at {@code [a·(k+1)+b]},
   * b ≤ a; z is the last.
   */
  final double[] within;
  double deviance;
  /** Deviations of one row from its cell's mean, reused row after row. */
  private transient double[] deviation;

  WlsStatistics(RowStatistics.IrlsState state, int k) {
    this.state = state;
    this.k = k;
    this.within = new double[(k + 1) * (k + 1)];
  }

  /** Total weight per cell. */
  double[] weight() {
    allocate();
    return weight;
  }

  /** Weighted sums of the regressors per cell, at {@code [c·k + j]}. */
  double[] weightedX() {
    allocate();
    return weightedX;
  }

  /** Weighted sum of the working outcome per cell. */
  double[] weightedZ() {
    allocate();
    return weightedZ;
  }

  private void allocate() {
    if (weight == null) {
      weight = new double[state.activeCells()];
      weightedX = new double[state.activeCells() * k];
      weightedZ = new double[state.activeCells()];
    }
  }

  @Override
  public void add(RowBlock rows, int i) {
    int c = state.activeIndex()[rows.cell[i]];
    if (c < 0) {
      return;
    }
    allocate();
    GlmFamily family = state.family();
    double y = rows.outcome[i];
    double offset = rows.offset[i];
    double prior = rows.weight[i];
    int from = i * k;
    double eta = RowStatistics.linearPredictor(state, rows, i, c);
    double mu = family.mean(eta);
    deviance += prior * family.deviance(y, mu);
    double w;
    double z;
    if (family.isGaussian()) {
      w = prior;
      z = y - offset;
    } else {
      double v = family.variance(mu);
      w = prior * v;
      z = eta - offset + (y - mu) / v;
    }
    double before = weight[c];
    int base = c * k;
    if (before > 0) {
      // S += w·W/(W + w) · δδ', δ the row's deviation from the cell's mean so far.
      if (deviation == null) {
        deviation = new double[k + 1];
      }
      double inverse = 1 / before;
      for (int a = 0; a < k; a++) {
        deviation[a] = rows.regressors[from + a] - weightedX[base + a] * inverse;
      }
      deviation[k] = z - weightedZ[c] * inverse;
      addOuter(within, deviation, w * before / (before + w));
    }
    weight[c] = before + w;
    weightedZ[c] += w * z;
    for (int a = 0; a < k; a++) {
      weightedX[base + a] += w * rows.regressors[from + a];
    }
  }

  /** Adds {@code factor}·dd' to the lower triangle of {@code scatter}. */
  private void addOuter(double[] scatter, double[] d, double factor) {
    for (int a = 0; a <= k; a++) {
      double fa = factor * d[a];
      int row = a * (k + 1);
      for (int b = 0; b <= a; b++) {
        scatter[row + b] += fa * d[b];
      }
    }
  }

  @Override
  public WlsStatistics merge(WlsStatistics other) {
    // A part that saw no row holds zeros only (its scatter and deviance too): merging it
    // changes nothing.
    if (other.weight == null) {
      return this;
    }
    if (weight == null) {
      return other;
    }
    // Chan: a cell in both parts adds W₁W₂/(W₁ + W₂)·(m₁ − m₂)(m₁ − m₂)' to the scatter.
    double[] d = new double[k + 1];
    for (int c = 0; c < weight.length; c++) {
      double w1 = weight[c];
      double w2 = other.weight[c];
      if (w1 > 0 && w2 > 0) {
        for (int a = 0; a < k; a++) {
          d[a] = weightedX[c * k + a] / w1 - other.weightedX[c * k + a] / w2;
        }
        d[k] = weightedZ[c] / w1 - other.weightedZ[c] / w2;
        addOuter(within, d, w1 * w2 / (w1 + w2));
      }
    }
    add(weight, other.weight);
    add(weightedX, other.weightedX);
    add(weightedZ, other.weightedZ);
    add(within, other.within);
    deviance += other.deviance;
    return this;
  }

  static void add(double[] into, double[] from) {
    for (int i = 0; i < into.length; i++) {
      into[i] += from[i];
    }
  }
}
