package org.violence.lakehouse.model;

import java.io.Serializable;

/**
 * A sum over the rows of a sample, computed the same way by both fitting paths: the local path
 * adds its one block of collected rows, the distributed one each partition's block in
 * {@code treeAggregate}, then merges the partial sums. Rows of dropped cells are skipped by the
 * implementations.
 */
interface RowStatistics<S extends RowStatistics<S>> extends Serializable {
  /** Adds row i of the block. */
  void add(RowBlock rows, int i);

  S merge(S other);

  /** Adds every row of the block; returns this, for aggregations. */
  @SuppressWarnings("unchecked")
  default S addAll(RowBlock rows) {
    for (int i = 0; i < rows.size; i++) {
      add(rows, i);
    }
    return (S) this;
  }

  /** The linear predictor, the family's start when no coefficients are given yet. */
  static double linearPredictor(IrlsState state, RowBlock rows, int i, int active) {
    if (state.beta() == null) {
      return state.family().link(state.family().start(rows.outcome[i], rows.weight[i]));
    }
    double eta = rows.offset[i] + state.cellEffect()[active];
    int from = i * rows.k;
    for (int j = 0; j < rows.k; j++) {
      eta += rows.regressors[from + j] * state.beta()[j];
    }
    return eta;
  }

  /** What a pass over the rows needs to know: the model and the current coefficients. */
  record IrlsState(GlmFamily family, int[] activeIndex, int activeCells, double[] beta,
      double[] cellEffect) implements Serializable {}
}
