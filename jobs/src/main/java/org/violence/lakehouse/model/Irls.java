package org.violence.lakehouse.model;

/**
 * Iteratively reweighted least squares with absorbed fixed effects (ppmlhdfe's algorithm: each
 * step a weighted least squares of the working outcome with the effects projected out), driven
 * from sufficient statistics: each iteration is one pass over the rows ({@link WlsStatistics}),
 * and everything else happens on the driver over cells and k × k matrices. The effects are
 * constant within a cell, so with S the rows' weighted scatter around their cell means and r the
 * cell means net of the effects, X̃'WX̃ = S + Σ_c W_c r_c r_c' exactly: no row is ever demeaned
 * by the effects, and nothing is subtracted that could cancel.
 * Iterations stop, as R's glm and fixest do, when the deviance changes by less than the
 * tolerance relatively; OLS takes one step.
 */
final class Irls {
  private static final int MAX_STEP_HALVINGS = 30;

  private Irls() {}

  /** One solved step: coefficients, the fixed-effect part of each cell's linear predictor. */
  record Step(double[] beta, double[] cellEffect, double[][] effectCoefficients,
      double[][] bread, double[] shift) {}

  /** A finished fit: the last step, its statistics at the estimates, and how it got there. */
  record Fit(Step step, ScoreStatistics scores, int iterations, boolean converged,
      double deviance) {}

  /** The effects' level of every active cell, and how many levels each has. */
  private record Effects(int[][] levels, int[] levelCounts) {
    static Effects of(Cells cells) {
      int[][] levels = new int[cells.effects()][];
      int[] levelCounts = new int[cells.effects()];
      for (int f = 0; f < cells.effects(); f++) {
        Cells.Levels l = cells.effectLevels(f);
        levels[f] = l.ofCell();
        levelCounts[f] = l.count();
      }
      return new Effects(levels, levelCounts);
    }
  }

  private static RowStatistics.IrlsState start(Cells cells, GlmFamily family) {
    return new RowStatistics.IrlsState(family, cells.activeIndex(), cells.activeCount(), null,
        null);
  }

  static Fit fit(Observations rows, Cells cells, GlmFamily family, int maxIterations,
      double tolerance) {
    Effects effects = Effects.of(cells);
    int[][] levels = effects.levels();
    int[] levelCounts = effects.levelCounts();
    int k = rows.regressors();
    RowStatistics.IrlsState start = start(cells, family);
    WlsStatistics stats = rows.aggregate(new WlsStatistics(start, k));
    double deviance = stats.deviance;
    Step step = null;
    int iterations = 0;
    boolean converged = false;
    while (iterations < maxIterations && !converged) {
      iterations++;
      Step next = solve(stats, levels, levelCounts, k);
      WlsStatistics nextStats = rows.aggregate(new WlsStatistics(state(start, next), k));
      for (int h = 0; h < MAX_STEP_HALVINGS && step != null
          && !Double.isFinite(nextStats.deviance); h++) {
        next = halfway(step, next);
        nextStats = rows.aggregate(new WlsStatistics(state(start, next), k));
      }
      double change = Math.abs(nextStats.deviance - deviance)
          / (Math.abs(nextStats.deviance) + 0.1);
      converged = family.isGaussian() || change < tolerance;
      step = next;
      stats = nextStats;
      deviance = stats.deviance;
    }
    return atEstimates(rows, start, effects, step, stats, iterations, converged);
  }

  /**
   * A fit whose estimates come from elsewhere (MLlib's own GLM): one pass for the Hessian at
   * those estimates, one for the scores, so that they get the same inference.
   */
  static Fit at(Observations rows, Cells cells, GlmFamily family, double[] beta,
      double[] cellEffect, double[][] effectCoefficients, int iterations) {
    RowStatistics.IrlsState start = start(cells, family);
    Step step = new Step(beta, cellEffect, effectCoefficients, null, null);
    WlsStatistics stats = rows.aggregate(new WlsStatistics(state(start, step),
        rows.regressors()));
    return atEstimates(rows, start, Effects.of(cells), step, stats, iterations, true);
  }

  /** The Hessian and the projection shift at the estimates themselves, then the scores. */
  private static Fit atEstimates(Observations rows, RowStatistics.IrlsState start,
      Effects effects, Step step, WlsStatistics stats, int iterations, boolean converged) {
    int k = rows.regressors();
    Step at = solve(stats, effects.levels(), effects.levelCounts(), k);
    Step finalStep = new Step(step.beta(), step.cellEffect(), step.effectCoefficients(),
        at.bread(), at.shift());
    ScoreStatistics scores = rows.aggregate(new ScoreStatistics(state(start, finalStep),
        finalStep.shift(), k));
    return new Fit(finalStep, scores, iterations, converged, stats.deviance);
  }

  private static RowStatistics.IrlsState state(RowStatistics.IrlsState start, Step step) {
    return new RowStatistics.IrlsState(start.family(), start.activeIndex(), start.activeCells(),
        step.beta(), step.cellEffect());
  }

  private static Step halfway(Step from, Step to) {
    double[] beta = new double[to.beta().length];
    for (int j = 0; j < beta.length; j++) {
      beta[j] = (from.beta()[j] + to.beta()[j]) / 2;
    }
    double[] effect = new double[to.cellEffect().length];
    for (int c = 0; c < effect.length; c++) {
      effect[c] = (from.cellEffect()[c] + to.cellEffect()[c]) / 2;
    }
    double[][] coefficients = new double[to.effectCoefficients().length][];
    for (int f = 0; f < coefficients.length; f++) {
      coefficients[f] = new double[to.effectCoefficients()[f].length];
      for (int l = 0; l < coefficients[f].length; l++) {
        coefficients[f][l] = (from.effectCoefficients()[f][l] + to.effectCoefficients()[f][l]) / 2;
      }
    }
    return new Step(beta, effect, coefficients, to.bread(), to.shift());
  }

  /** The weighted least squares of one step, the fixed effects projected out on cells. */
  static Step solve(WlsStatistics stats, int[][] levels, int[] levelCounts, int k) {
    double[] w = stats.weight();
    int cells = w.length;
    double[] weightedX = stats.weightedX();
    double[] weightedZ = stats.weightedZ();
    CellProjection projection = new CellProjection(levels, levelCounts, w);
    double[][] means = new double[k + 1][cells];
    for (int c = 0; c < cells; c++) {
      for (int j = 0; j < k; j++) {
        means[j][c] = weightedX[c * k + j] / w[c];
      }
      means[k][c] = weightedZ[c] / w[c];
    }
    CellProjection.Projection[] projected = new CellProjection.Projection[k + 1];
    for (int j = 0; j <= k; j++) {
      projected[j] = projection.project(means[j]);
    }
    CellSums between = cellSums(w, means, projected);
    double[][] gram = new double[k][k];
    double[] rhs = new double[k];
    int vectors = k + 1;
    for (int a = 0; a < k; a++) {
      for (int b = 0; b <= a; b++) {
        double g = stats.within[a * vectors + b] + between.residual()[a][b];
        gram[a][b] = g;
        gram[b][a] = g;
      }
      rhs[a] = stats.within[k * vectors + a] + between.residual()[k][a];
    }
    for (int j = 0; j < k; j++) {
      // Net of the effects, a regressor they absorb keeps only rounding noise of its raw sum.
      double raw = stats.within[j * vectors + j] + between.meanSquares()[j];
      if (!(gram[j][j] > 1e-9 * raw)) {
        throw new ArithmeticException("regressor " + (j + 1) + " is constant within the fixed "
            + "effects (collinear with them)");
      }
    }
    double[][] bread = Matrices.inverse(gram);
    double[] beta = Matrices.times(bread, rhs);
    double[] cellEffect = new double[cells];
    double[] shift = new double[cells * k];
    for (int c = 0; c < cells; c++) {
      double effect = means[k][c] - projected[k].residual()[c];
      for (int j = 0; j < k; j++) {
        shift[c * k + j] = means[j][c] - projected[j].residual()[c];
        effect -= beta[j] * shift[c * k + j];
      }
      cellEffect[c] = effect;
    }
    double[][] effectCoefficients = new double[levels.length][];
    for (int f = 0; f < levels.length; f++) {
      effectCoefficients[f] = projected[k].coefficients()[f].clone();
      for (int j = 0; j < k; j++) {
        for (int l = 0; l < effectCoefficients[f].length; l++) {
          effectCoefficients[f][l] -= beta[j] * projected[j].coefficients()[f][l];
        }
      }
    }
    return new Step(beta, cellEffect, effectCoefficients, bread, shift);
  }

  /**
   * Over cells: Σ_c W_c r_a r_b for every pair a ≥ b of the regressors and the working outcome
   * (last), r the cell means net of the effects (the between-cell part of X̃'WX̃ and X̃'Wz̃), and
   * Σ_c W_c m_a², the raw between-cell sum of squares of each regressor (the collinearity scale).
   */
  private record CellSums(double[][] residual, double[] meanSquares) {}

  private static CellSums cellSums(double[] w, double[][] means,
      CellProjection.Projection[] projected) {
    int vectors = means.length;
    double[][] residual = new double[vectors][];
    for (int a = 0; a < vectors; a++) {
      residual[a] = new double[a + 1];
    }
    double[] meanSquares = new double[vectors];
    double[] r = new double[vectors];
    for (int c = 0; c < w.length; c++) {
      for (int a = 0; a < vectors; a++) {
        r[a] = projected[a].residual()[c];
        meanSquares[a] += w[c] * means[a][c] * means[a][c];
      }
      for (int a = 0; a < vectors; a++) {
        double[] row = residual[a];
        double wr = w[c] * r[a];
        for (int b = 0; b <= a; b++) {
          row[b] += wr * r[b];
        }
      }
    }
    return new CellSums(residual, meanSquares);
  }
}
