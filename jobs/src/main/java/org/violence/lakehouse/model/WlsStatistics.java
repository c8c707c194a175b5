package org.violence.lakehouse.model;

/**
 * One IRLS step's sufficient statistics at the current linear predictor: per cell, the total
 * weight and the weighted sums of the regressors and of the working outcome; over all rows, the
 * weighted cross-products X'WX and X'Wz; and the deviance at the current means. From these alone
 * {@link Irls} solves the weighted least squares with the fixed effects absorbed.
 */
final class WlsStatistics implements RowStatistics<WlsStatistics> {
  final RowStatistics.IrlsState state;
  final int k;
  final double[] weight;
  final double[] weightedX;
  final double[] weightedZ;
  final double[] xwx;
  final double[] xwz;
  double deviance;

  WlsStatistics(RowStatistics.IrlsState state, int k) {
    this.state = state;
    this.k = k;
    this.weight = new double[state.activeCells()];
    this.weightedX = new double[state.activeCells() * k];
    this.weightedZ = new double[state.activeCells()];
    this.xwx = new double[k * k];
    this.xwz = new double[k];
  }

  @Override
  public void add(RowBlock rows, int i) {
    int c = state.activeIndex()[rows.cell[i]];
    if (c < 0) {
      return;
    }
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
    weight[c] += w;
    weightedZ[c] += w * z;
    int base = c * k;
    for (int a = 0; a < k; a++) {
      double wx = w * rows.regressors[from + a];
      weightedX[base + a] += wx;
      xwz[a] += wx * z;
      for (int b = 0; b <= a; b++) {
        xwx[a * k + b] += wx * rows.regressors[from + b];
      }
    }
  }

  @Override
  public WlsStatistics merge(WlsStatistics other) {
    add(weight, other.weight);
    add(weightedX, other.weightedX);
    add(weightedZ, other.weightedZ);
    add(xwx, other.xwx);
    add(xwz, other.xwz);
    deviance += other.deviance;
    return this;
  }

  static void add(double[] into, double[] from) {
    for (int i = 0; i < into.length; i++) {
      into[i] += from[i];
    }
  }
}
