package org.violence.lakehouse.model;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The variance of the coefficients by kind, with the small-sample conventions of fixest
 * ({@link SmallSampleCorrection}); scores sᵢ = x̃ᵢwᵢ(yᵢ − μᵢ) and bread (X̃'WX̃)⁻¹ come from
 * {@link Irls}.
 * <ul>
 * <li>iid: the bread times σ² (OLS: RSS/(N − 1); quasi-Poisson: Pearson χ²/(N − K); 1 for
 *     Poisson and logit), times the adjustment (N − 1)/(N − K);</li>
 * <li>hc1: bread·Σsᵢsᵢ'·bread, times N/(N − 1) and the adjustment: HC1;</li>
 * <li>cluster (CR1): scores summed per cluster; two-way (Cameron, Gelbach, Miller 2011) adds
 *     the two one-way meats and subtracts the intersection's, each term times G/(G − 1) with the
 *     smallest G (fixest's cluster.df = "min") or its own; then the adjustment, with K counting
 *     no fixed effect nested in a cluster (fixef.K = "nested").</li>
 * </ul>
 */
final class Inference {
  private Inference() {}

  /** A variance matrix with what it was computed with. */
  record Variance(VcovKind kind, double[][] matrix, double parametersK,
      double degreesOfFreedom) {
    double[] standardErrors() {
      double[] se = new double[matrix.length];
      for (int j = 0; j < se.length; j++) {
        se[j] = Math.sqrt(matrix[j][j]);
      }
      return se;
    }

    /** Two-sided p-value of {@code statistic}: t with the degrees of freedom, or the normal. */
    double pValue(double statistic) {
      return 2 * cumulative(-Math.abs(statistic));
    }

    /** Half-width multiplier of a two-sided interval at {@code level}. */
    double criticalValue(double level) {
      return Double.isInfinite(degreesOfFreedom)
          ? new NormalDistribution().inverseCumulativeProbability(0.5 + level / 2)
          : new TDistribution(degreesOfFreedom).inverseCumulativeProbability(0.5 + level / 2);
    }

    private double cumulative(double x) {
      return Double.isInfinite(degreesOfFreedom) ? new NormalDistribution().cumulativeProbability(x)
          : new TDistribution(degreesOfFreedom).cumulativeProbability(x);
    }
  }

  /** What inference needs of a fit besides bread and scores. */
  record Sample(long n, int regressors, int[] effectLevels, boolean[] effectNested,
      GlmFamily family, SmallSampleCorrection ssc) {
    /** fixest's nparams: regressors, plus Σ(levels − 1) + 1 with fixed effects. */
    int parameters() {
      int k = regressors;
      if (effectLevels.length > 0) {
        for (int l : effectLevels) {
          k += l - 1;
        }
        k += 1;
      }
      return k;
    }

    double parametersK(boolean clustered) {
      int full = parameters();
      if (effectLevels.length == 0) {
        return full;
      }
      return switch (ssc.fixedEffectsK()) {
        case NONE -> regressors;
        case FULL -> full;
        case NESTED -> {
          if (!clustered) {
            yield full;
          }
          int k = full;
          for (int f = 0; f < effectLevels.length; f++) {
            if (effectNested[f]) {
              k -= effectLevels[f] - 1;
            }
          }
          yield Math.max(k, regressors + 1);
        }
      };
    }

    double adjustment(double k) {
      return ssc.adjust() ? (n - 1.0) / (n - k) : 1;
    }

    double residualDf() {
      return n - parameters();
    }
  }

  static Variance iid(Irls.Fit fit, Sample sample) {
    double k = sample.parametersK(false);
    double sigma2 = switch (sample.family()) {
      case GAUSSIAN -> fit.scores().deviance / (sample.n() - 1.0);
      case QUASIPOISSON -> fit.scores().pearson / sample.residualDf();
      case POISSON, BINOMIAL -> 1;
    };
    return variance(VcovKind.iid(), scaled(fit.step().bread(), sigma2 * sample.adjustment(k)),
        k, degreesOfFreedom(sample, k, 0));
  }

  static Variance heteroskedasticityRobust(Irls.Fit fit, Sample sample) {
    double k = sample.parametersK(false);
    double n = sample.n();
    double factor = (sample.ssc().clusterAdjust() ? n / (n - 1) : 1) * sample.adjustment(k);
    double[][] meat = symmetric(fit.scores().meat, fit.step().bread().length);
    return variance(VcovKind.hc1(), scaled(Matrices.sandwich(fit.step().bread(), meat), factor),
        k, degreesOfFreedom(sample, k, 0));
  }

  /** One- or two-way clustered; {@code clusterings} as given by {@link Cells}. */
  static Variance clustered(Irls.Fit fit, Sample sample, Cells cells, List<String> names) {
    List<Cells.Levels> terms = new ArrayList<>();
    List<Double> signs = new ArrayList<>();
    for (int d = 0; d < cells.clusterings(); d++) {
      terms.add(cells.clusterLevels(d));
      signs.add(1.0);
    }
    if (cells.clusterings() == 2) {
      terms.add(cells.clusterIntersection(0, 1));
      signs.add(-1.0);
    }
    int k = fit.step().bread().length;
    int smallest = Integer.MAX_VALUE;
    for (int d = 0; d < cells.clusterings(); d++) {
      smallest = Math.min(smallest, terms.get(d).count());
    }
    boolean minimum = sample.ssc().minimumClusterDf();
    double[][] meat = new double[k][k];
    double[] cellScores = fit.scores().cellScore();
    for (int t = 0; t < terms.size(); t++) {
      Cells.Levels levels = terms.get(t);
      double g = levels.count();
      double factor = signs.get(t) * (sample.ssc().clusterAdjust() && !minimum ? g / (g - 1) : 1);
      double[][] sums = new double[levels.count()][k];
      for (int c = 0; c < levels.ofCell().length; c++) {
        for (int j = 0; j < k; j++) {
          sums[levels.ofCell()[c]][j] += cellScores[c * k + j];
        }
      }
      for (double[] s : sums) {
        for (int a = 0; a < k; a++) {
          for (int b = 0; b < k; b++) {
            meat[a][b] += factor * s[a] * s[b];
          }
        }
      }
    }
    double parametersK = sample.parametersK(true);
    double factor = (sample.ssc().clusterAdjust() && minimum ? smallest / (smallest - 1.0) : 1)
        * sample.adjustment(parametersK);
    return variance(VcovKind.cluster(names),
        scaled(Matrices.sandwich(fit.step().bread(), meat), factor), parametersK,
        degreesOfFreedom(sample, parametersK, sample.ssc().minimumTDf() ? smallest : 0));
  }

  /** t degrees of freedom for OLS and quasi-Poisson, infinity (the normal) otherwise. */
  private static double degreesOfFreedom(Sample sample, double k, int smallestCluster) {
    if (!sample.family().estimatesDispersion()) {
      return Double.POSITIVE_INFINITY;
    }
    return smallestCluster > 0 ? Math.max(smallestCluster - 1, 1) : Math.max(sample.n() - k, 1);
  }

  private static Variance variance(VcovKind kind, double[][] matrix, double k, double df) {
    return new Variance(kind, matrix, k, df);
  }

  private static double[][] symmetric(double[] lower, int k) {
    double[][] m = new double[k][k];
    for (int a = 0; a < k; a++) {
      for (int b = 0; b <= a; b++) {
        m[a][b] = lower[a * k + b];
        m[b][a] = lower[a * k + b];
      }
    }
    return m;
  }

  private static double[][] scaled(double[][] m, double factor) {
    double[][] r = new double[m.length][m.length];
    for (int a = 0; a < m.length; a++) {
      for (int b = 0; b < m.length; b++) {
        r[a][b] = m[a][b] * factor;
      }
    }
    return r;
  }
}
