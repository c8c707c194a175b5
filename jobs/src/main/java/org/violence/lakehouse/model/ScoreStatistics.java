package org.violence.lakehouse.model;

/**
 * The last pass over the rows, at the estimates: per cell, the sum of the scores
 * sᵢ = x̃ᵢ·wᵢ·(yᵢ − μᵢ), with x̃ the regressors net of the fixed effects (x minus the cell's
 * projection shift); over all rows Σ sᵢsᵢ' (the heteroskedasticity-robust meat), the deviance, the
 * Pearson χ² and the log-likelihood. Clusters are constant within a cell, so cluster sums of the
 * scores are sums of cell sums.
 */
final class ScoreStatistics implements RowStatistics<ScoreStatistics> {
  final RowStatistics.IrlsState state;
  final double[] shift;
  final int k;
  /** Made when the first row arrives, as {@link WlsStatistics}' per-cell sums are. */
  private double[] cellScore;
  final double[] meat;
  double deviance;
  double pearson;
  double logLikelihood;
  double logWeights;
  long rows;

  /** {@code shift[c·k + j]}: the projection of regressor j's cell mean on the fixed effects. */
  ScoreStatistics(RowStatistics.IrlsState state, double[] shift, int k) {
    this.state = state;
    this.shift = shift;
    this.k = k;
    this.meat = new double[k * k];
  }

  /** Each cell's sum of the rows' scores, at {@code [c·k + j]}: for clustered errors. */
  double[] cellScore() {
    if (cellScore == null) {
      cellScore = new double[state.activeCells() * k];
    }
    return cellScore;
  }

  @Override
  public void add(RowBlock block, int i) {
    int c = state.activeIndex()[block.cell[i]];
    if (c < 0) {
      return;
    }
    GlmFamily family = state.family();
    double y = block.outcome[i];
    double prior = block.weight[i];
    int from = i * k;
    double mu = family.mean(RowStatistics.linearPredictor(state, block, i, c));
    double residual = prior * (y - mu);
    rows++;
    deviance += prior * family.deviance(y, mu);
    pearson += prior * (y - mu) * (y - mu) / family.variance(mu);
    logLikelihood += prior * family.logLikelihood(y, mu);
    logWeights += Math.log(prior);
    double[] score = new double[k];
    double[] cellScores = cellScore();
    int base = c * k;
    for (int a = 0; a < k; a++) {
      score[a] = (block.regressors[from + a] - shift[base + a]) * residual;
      cellScores[base + a] += score[a];
      for (int b = 0; b <= a; b++) {
        meat[a * k + b] += score[a] * score[b];
      }
    }
  }

  @Override
  public ScoreStatistics merge(ScoreStatistics other) {
    // A part that saw no row holds zeros only: merging it changes nothing.
    if (other.cellScore == null) {
      return this;
    }
    if (cellScore == null) {
      return other;
    }
    WlsStatistics.add(cellScore, other.cellScore);
    WlsStatistics.add(meat, other.meat);
    deviance += other.deviance;
    pearson += other.pearson;
    logLikelihood += other.logLikelihood;
    logWeights += other.logWeights;
    rows += other.rows;
    return this;
  }
}
