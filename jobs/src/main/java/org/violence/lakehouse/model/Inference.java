package org.violence.lakehouse.model;

import java.util.HashMap;
import java.util.Map;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Variance of the coefficients of an {@link Estimator.Estimate}, by kind, with the small-sample
 * conventions of R's {@code sandwich} on a dummy-variable fit (and of Stata's {@code regress} with
 * dummies): K counts regressors and every fixed-effect coefficient.
 * <ul>
 * <li>iid: the inverse Gramian, times σ² = RSS/(N−K) for OLS, times 1 for Poisson, times Pearson
 *     χ²/(N−K) for quasi-Poisson;</li>
 * <li>hc1: sandwich with scores x̃ᵢ(yᵢ−μᵢ), times N/(N−K);</li>
 * <li>cluster (CR1): scores summed per cluster, times G/(G−1)·(N−1)/(N−K); two-way clustering
 *     (Cameron, Gelbach, Miller 2011) is V_a + V_b − V_a∩b, each with its own G.</li>
 * </ul>
 * These match sandwich on a dummy-variable fit (and statsmodels' HC1 / cluster with its default
 * corrections); fixest's defaults differ in one way: it does not count fixed effects nested in
 * the cluster variable in K. p-values and intervals use the t distribution for OLS (N−K degrees
 * of freedom; G−1 with the smallest G when clustered, as fixest and Stata do) and the normal for
 * Poisson and quasi-Poisson.
 */
final class Inference {
  static final double CONFIDENCE = 0.95;

  private Inference() {}

  /** Standard errors and the distribution of the test statistic. */
  record Result(double[] standardErrors, double degreesOfFreedom) {
    /** Two-sided p-value of {@code statistic}. */
    double pValue(double statistic) {
      return 2 * distributionTail(-Math.abs(statistic));
    }

    /** Half-width multiplier of the {@link #CONFIDENCE} interval. */
    double criticalValue() {
      return -inverse((1 - CONFIDENCE) / 2);
    }

    private double distributionTail(double x) {
      return Double.isInfinite(degreesOfFreedom) ? new NormalDistribution().cumulativeProbability(x)
          : new TDistribution(degreesOfFreedom).cumulativeProbability(x);
    }

    private double inverse(double p) {
      return Double.isInfinite(degreesOfFreedom)
          ? new NormalDistribution().inverseCumulativeProbability(p)
          : new TDistribution(degreesOfFreedom).inverseCumulativeProbability(p);
    }
  }

  /** {@code clusters[d][i]}: observation i's cluster in clustering dimension d. */
  static Result of(Estimator.Estimate fit, Estimator.Family family, VcovKind vcov,
      int[][] clusters) {
    double[][] v = switch (vcov.kind()) {
      case IID -> scaled(fit.bread(), dispersion(fit, family));
      case HC1 -> scaled(Matrices.sandwich(fit.bread(), meat(fit, identity(fit.n()))),
          fit.n() / fit.residualDegreesOfFreedom());
      case CLUSTER -> clustered(fit, clusters);
    };
    double[] se = new double[v.length];
    for (int j = 0; j < v.length; j++) {
      se[j] = Math.sqrt(v[j][j]);
    }
    double df = Double.POSITIVE_INFINITY;
    if (!family.isPoisson()) {
      df = vcov.kind() == VcovKind.Kind.CLUSTER
          ? java.util.Arrays.stream(clusters).mapToInt(Inference::count).min().orElseThrow() - 1
          : fit.residualDegreesOfFreedom();
    }
    return new Result(se, df);
  }

  /** σ² of the iid variance: see the class comment. */
  static double dispersion(Estimator.Estimate fit, Estimator.Family family) {
    return switch (family) {
      case POISSON -> 1.0;
      case GAUSSIAN, QUASIPOISSON -> fit.pearsonChi2() / fit.residualDegreesOfFreedom();
    };
  }

  private static double[][] clustered(Estimator.Estimate fit, int[][] clusters) {
    double[][] v = cr1(fit, clusters[0]);
    if (clusters.length == 2) {
      double[][] second = cr1(fit, clusters[1]);
      double[][] both = cr1(fit, intersection(clusters[0], clusters[1]));
      for (int a = 0; a < v.length; a++) {
        for (int b = 0; b < v.length; b++) {
          v[a][b] += second[a][b] - both[a][b];
        }
      }
    }
    return v;
  }

  private static double[][] cr1(Estimator.Estimate fit, int[] cluster) {
    double g = count(cluster);
    double n = fit.n();
    return scaled(Matrices.sandwich(fit.bread(), meat(fit, cluster)),
        g / (g - 1) * (n - 1) / fit.residualDegreesOfFreedom());
  }

  /** Σ_g S_g S_g' with S_g the sum of the scores x̃ᵢ(yᵢ−μᵢ) of cluster g. */
  private static double[][] meat(Estimator.Estimate fit, int[] cluster) {
    int k = fit.coefficients().length;
    double[][] sums = new double[count(cluster)][k];
    for (int i = 0; i < fit.n(); i++) {
      for (int j = 0; j < k; j++) {
        sums[cluster[i]][j] += fit.demeaned()[j][i] * fit.residuals()[i];
      }
    }
    double[][] meat = new double[k][k];
    for (double[] s : sums) {
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          meat[a][b] += s[a] * s[b];
        }
      }
    }
    return meat;
  }

  private static int[] identity(int n) {
    return java.util.stream.IntStream.range(0, n).toArray();
  }

  private static int count(int[] cluster) {
    return java.util.Arrays.stream(cluster).max().orElse(-1) + 1;
  }

  private static int[] intersection(int[] a, int[] b) {
    Map<Long, Integer> codes = new HashMap<>();
    int[] both = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      both[i] = codes.computeIfAbsent(((long) a[i] << 32) | b[i], key -> codes.size());
    }
    return both;
  }

  private static double[][] scaled(double[][] m, double factor) {
    double[][] r = new double[m.length][];
    for (int a = 0; a < m.length; a++) {
      r[a] = new double[m.length];
      for (int b = 0; b < m.length; b++) {
        r[a][b] = m[a][b] * factor;
      }
    }
    return r;
  }
}
