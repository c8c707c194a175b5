package org.violence.lakehouse.model;

import java.util.Arrays;

/**
 * Weighted projection on the dummies of the absorbed fixed effects, done on cells: a cell is a
 * distinct combination of fixed-effect levels, so every observation of a cell has the same
 * dummies and a projection needs only each cell's total weight and weighted mean, never the
 * observations themselves (this is what lets the distributed path absorb the effects on the
 * driver from one aggregation). The projection of a cell-mean vector m is D·γ; {@link #project}
 * returns both the residual m − Dγ and the coefficients γ of every effect.
 *
 * <p>With one effect the projection is a weighted mean per level. With two, it is exact and
 * non-iterative when the smaller effect has at most {@link #EXACT_LIMIT} levels: the larger one
 * is eliminated (its normal equations are diagonal) and the Schur complement, a small
 * Laplacian-like matrix, is factorised once per set of weights. Otherwise alternating projections
 * (reghdfe, fixest) sweep the effects until no coefficient moves by more than
 * {@link #TOLERANCE} of the largest value.
 */
final class CellProjection {
  static final int EXACT_LIMIT = 400;
  static final double TOLERANCE = 1e-13;
  private static final int MAX_SWEEPS = 100_000;

  /** Result of a projection: residual per cell, coefficients per effect and level. */
  record Projection(double[] residual, double[][] coefficients) {}

  private final int[][] levels;
  private final int[] levelCounts;
  private final double[] weights;
  private final double[][] levelWeights;
  private final ExactTwoWay exact;

  /** {@code levels[f][c]}: level of cell c in effect f; {@code weights[c]}: its total weight. */
  CellProjection(int[][] levels, int[] levelCounts, double[] weights) {
    this.levels = levels;
    this.levelCounts = levelCounts;
    this.weights = weights;
    this.levelWeights = new double[levels.length][];
    for (int f = 0; f < levels.length; f++) {
      levelWeights[f] = new double[levelCounts[f]];
      for (int c = 0; c < weights.length; c++) {
        levelWeights[f][levels[f][c]] += weights[c];
      }
    }
    this.exact = levels.length == 2 && Math.min(levelCounts[0], levelCounts[1]) <= EXACT_LIMIT
        ? new ExactTwoWay(levelCounts[0] >= levelCounts[1] ? 0 : 1) : null;
  }

  Projection project(double[] means) {
    if (levels.length == 0) {
      return new Projection(means.clone(), new double[0][]);
    }
    if (exact != null) {
      return exact.project(means);
    }
    return alternating(means);
  }

  /** γ of one effect: the weighted mean of {@code values} within each of its levels. */
  private double[] levelMeans(int f, double[] values) {
    double[] sums = new double[levelCounts[f]];
    int[] level = levels[f];
    for (int c = 0; c < values.length; c++) {
      sums[level[c]] += weights[c] * values[c];
    }
    for (int l = 0; l < sums.length; l++) {
      sums[l] = levelWeights[f][l] > 0 ? sums[l] / levelWeights[f][l] : 0;
    }
    return sums;
  }

  private Projection alternating(double[] means) {
    double[] residual = means.clone();
    double[][] coefficients = new double[levels.length][];
    for (int f = 0; f < levels.length; f++) {
      coefficients[f] = new double[levelCounts[f]];
    }
    double scale = Arrays.stream(means).map(Math::abs).max().orElse(0);
    double limit = TOLERANCE * Math.max(scale, 1e-300);
    for (int sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
      double moved = 0;
      for (int f = 0; f < levels.length; f++) {
        double[] step = levelMeans(f, residual);
        int[] level = levels[f];
        for (int l = 0; l < step.length; l++) {
          coefficients[f][l] += step[l];
          moved = Math.max(moved, Math.abs(step[l]));
        }
        for (int c = 0; c < residual.length; c++) {
          residual[c] -= step[level[c]];
        }
      }
      if (levels.length == 1 || moved <= limit) {
        return new Projection(residual, coefficients);
      }
    }
    throw new ArithmeticException("alternating projections did not converge in " + MAX_SWEEPS
        + " sweeps while absorbing the fixed effects");
  }

  /**
   * Two effects, the larger (a) eliminated: for the smaller (b), Ψγ_b = Σ_{c∈b} W_c(m_c − m̄_a(c))
   * with Ψ = diag(W_b) − Σ_a v_a v_a'/W_a, v_a the weights of a's cells by level of b. Ψ is
   * singular (one reference level per connected component): an LDLᵀ factorisation that skips
   * vanishing pivots fixes those levels at 0, which leaves the projection itself unchanged.
   */
  private final class ExactTwoWay {
    private final int large;
    private final int small;
    private final double[][] lower;
    private final double[] diagonal;

    ExactTwoWay(int large) {
      this.large = large;
      this.small = 1 - large;
      int nb = levelCounts[small];
      // Ψ row-major in one array: each level of a adds −v_a v_a'/W_a over its cells' levels of b.
      double[] psi = new double[nb * nb];
      for (int b = 0; b < nb; b++) {
        psi[b * nb + b] = levelWeights[small][b];
      }
      int[][] cellsOfLarge = cellsByLevel(levels[large], levelCounts[large]);
      for (int a = 0; a < cellsOfLarge.length; a++) {
        double wa = levelWeights[large][a];
        if (wa <= 0) {
          continue;
        }
        int[] cellsOfA = cellsOfLarge[a];
        int[] levelOfB = new int[cellsOfA.length];
        double[] weightOfB = new double[cellsOfA.length];
        for (int p = 0; p < cellsOfA.length; p++) {
          levelOfB[p] = levels[small][cellsOfA[p]];
          weightOfB[p] = weights[cellsOfA[p]];
        }
        for (int p1 = 0; p1 < cellsOfA.length; p1++) {
          int row = levelOfB[p1] * nb;
          double f1 = weightOfB[p1] / wa;
          for (int p2 = 0; p2 < cellsOfA.length; p2++) {
            psi[row + levelOfB[p2]] -= f1 * weightOfB[p2];
          }
        }
      }
      lower = new double[nb][nb];
      diagonal = new double[nb];
      for (int j = 0; j < nb; j++) {
        double d = psi[j * nb + j];
        for (int k = 0; k < j; k++) {
          d -= lower[j][k] * lower[j][k] * diagonal[k];
        }
        if (!(d > 1e-9 * psi[j * nb + j])) {
          continue;
        }
        diagonal[j] = d;
        for (int i = j + 1; i < nb; i++) {
          double s = psi[i * nb + j];
          for (int k = 0; k < j; k++) {
            s -= lower[i][k] * lower[j][k] * diagonal[k];
          }
          lower[i][j] = s / d;
        }
      }
    }

    Projection project(double[] means) {
      double[] meanOfLarge = levelMeans(large, means);
      int nb = levelCounts[small];
      double[] gammaSmall = new double[nb];
      for (int c = 0; c < means.length; c++) {
        gammaSmall[levels[small][c]] += weights[c] * (means[c] - meanOfLarge[levels[large][c]]);
      }
      for (int i = 0; i < nb; i++) {
        for (int k = 0; k < i; k++) {
          gammaSmall[i] -= lower[i][k] * gammaSmall[k];
        }
      }
      for (int i = 0; i < nb; i++) {
        gammaSmall[i] = diagonal[i] > 0 ? gammaSmall[i] / diagonal[i] : 0;
      }
      for (int i = nb - 1; i >= 0; i--) {
        for (int k = i + 1; k < nb; k++) {
          gammaSmall[i] -= lower[k][i] * gammaSmall[k];
        }
      }
      double[] shifted = new double[means.length];
      for (int c = 0; c < means.length; c++) {
        shifted[c] = means[c] - gammaSmall[levels[small][c]];
      }
      double[] gammaLarge = levelMeans(large, shifted);
      double[] residual = new double[means.length];
      for (int c = 0; c < means.length; c++) {
        residual[c] = shifted[c] - gammaLarge[levels[large][c]];
      }
      double[][] coefficients = new double[2][];
      coefficients[large] = gammaLarge;
      coefficients[small] = gammaSmall;
      return new Projection(residual, coefficients);
    }
  }

  private static int[][] cellsByLevel(int[] level, int count) {
    int[] sizes = new int[count];
    for (int l : level) {
      sizes[l]++;
    }
    int[][] cells = new int[count][];
    for (int l = 0; l < count; l++) {
      cells[l] = new int[sizes[l]];
    }
    int[] filled = new int[count];
    for (int c = 0; c < level.length; c++) {
      cells[level[c]][filled[level[c]]++] = c;
    }
    return cells;
  }
}
