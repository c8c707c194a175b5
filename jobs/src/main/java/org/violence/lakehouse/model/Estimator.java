package org.violence.lakehouse.model;

/**
 * OLS and Poisson pseudo-maximum likelihood with absorbed fixed effects, on columns held in
 * memory. OLS demeans outcome and regressors once (Frisch–Waugh–Lovell). Poisson follows
 * ppmlhdfe (Correia, Guimarães, Zylkin 2020): IRLS in which each step is a weighted least squares
 * of the working outcome on the regressors with weights μ, the fixed effects absorbed by weighted
 * demeaning, so no dummy is ever built. Iterations stop, as R's glm does, when the deviance
 * changes by less than {@link #DEVIANCE_TOLERANCE} relatively.
 */
final class Estimator {
  static final double DEVIANCE_TOLERANCE = 1e-12;

  enum Family { GAUSSIAN, POISSON, QUASIPOISSON;
    boolean isPoisson() {
      return this != GAUSSIAN;
    }
  }

  /** The observations of one model: outcome, offset (0 when none), regressors by column. */
  record Data(double[] outcome, double[] offset, double[][] regressors, FixedEffects effects) {
    int n() {
      return outcome.length;
    }

    int k() {
      return regressors.length;
    }
  }

  /**
   * A fit: coefficients, the inverse of the demeaned weighted Gramian (the "bread"), the demeaned
   * regressors and response residuals y − μ from which every sandwich is built, fitted means and
   * fit statistics. {@code parameters} counts regressors plus the fixed effects' coefficients.
   */
  record Estimate(double[] coefficients, double[][] bread, double[][] demeaned, double[] fitted,
      double[] residuals, int parameters, int iterations, boolean converged, double deviance,
      double pearsonChi2) {
    int n() {
      return fitted.length;
    }

    double residualDegreesOfFreedom() {
      return n() - parameters;
    }
  }

  private Estimator() {}

  static Estimate fit(Data data, Family family, int maxIterations) {
    int parameters = data.k() + data.effects().parameters();
    return family.isPoisson() ? poisson(data, maxIterations, parameters)
        : leastSquares(data, parameters);
  }

  private static Estimate leastSquares(Data data, int parameters) {
    int n = data.n();
    double[] weights = filled(n, 1.0);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = data.outcome()[i] - data.offset()[i];
    }
    double[][] x = demeanedCopy(data.regressors(), weights, data.effects());
    demeanChecked(data.effects(), y, weights);
    double[][] bread = Matrices.inverse(Matrices.gram(x, weights));
    double[] beta = Matrices.times(bread, Matrices.crossProduct(x, weights, y));
    double[] residuals = new double[n];
    double[] fitted = new double[n];
    double rss = 0;
    for (int i = 0; i < n; i++) {
      double e = y[i];
      for (int j = 0; j < beta.length; j++) {
        e -= x[j][i] * beta[j];
      }
      residuals[i] = e;
      fitted[i] = data.outcome()[i] - e;
      rss += e * e;
    }
    return new Estimate(beta, bread, x, fitted, residuals, parameters, 1, true, rss, rss);
  }

  private static Estimate poisson(Data data, int maxIterations, int parameters) {
    int n = data.n();
    double[] y = data.outcome();
    double mean = java.util.Arrays.stream(y).average().orElse(0);
    double[] mu = new double[n];
    double[] eta = new double[n];
    for (int i = 0; i < n; i++) {
      mu[i] = (y[i] + mean) / 2;
      eta[i] = Math.log(mu[i]);
    }
    double deviance = poissonDeviance(y, mu);
    double[] beta = new double[data.k()];
    boolean converged = false;
    int iteration = 0;
    while (iteration < maxIterations && !converged) {
      iteration++;
      double[] working = new double[n];
      for (int i = 0; i < n; i++) {
        working[i] = eta[i] - data.offset()[i] + (y[i] - mu[i]) / mu[i];
      }
      double[] z = working.clone();
      double[][] x = demeanedCopy(data.regressors(), mu, data.effects());
      demeanChecked(data.effects(), z, mu);
      beta = Matrices.times(Matrices.inverse(Matrices.gram(x, mu)),
          Matrices.crossProduct(x, mu, z));
      for (int i = 0; i < n; i++) {
        double e = z[i];
        for (int j = 0; j < beta.length; j++) {
          e -= x[j][i] * beta[j];
        }
        eta[i] = data.offset()[i] + working[i] - e;
        mu[i] = Math.exp(eta[i]);
      }
      double previous = deviance;
      deviance = poissonDeviance(y, mu);
      converged = Math.abs(deviance - previous) / (Math.abs(deviance) + 0.1) < DEVIANCE_TOLERANCE;
    }
    double[][] x = demeanedCopy(data.regressors(), mu, data.effects());
    double[][] bread = Matrices.inverse(Matrices.gram(x, mu));
    double[] residuals = new double[n];
    double pearson = 0;
    for (int i = 0; i < n; i++) {
      residuals[i] = y[i] - mu[i];
      pearson += residuals[i] * residuals[i] / mu[i];
    }
    return new Estimate(beta, bread, x, mu, residuals, parameters, iteration, converged,
        deviance, pearson);
  }

  static double poissonDeviance(double[] y, double[] mu) {
    double deviance = 0;
    for (int i = 0; i < y.length; i++) {
      deviance += 2 * ((y[i] > 0 ? y[i] * Math.log(y[i] / mu[i]) : 0) - (y[i] - mu[i]));
    }
    return deviance;
  }

  private static double[][] demeanedCopy(double[][] columns, double[] weights,
      FixedEffects effects) {
    double[][] copy = new double[columns.length][];
    for (int j = 0; j < columns.length; j++) {
      copy[j] = columns[j].clone();
      demeanChecked(effects, copy[j], weights);
    }
    return copy;
  }

  private static void demeanChecked(FixedEffects effects, double[] values, double[] weights) {
    if (effects.demean(values, weights) < 0) {
      throw new ArithmeticException("alternating projections did not converge while absorbing "
          + "the fixed effects");
    }
  }

  private static double[] filled(int n, double value) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, value);
    return a;
  }
}
