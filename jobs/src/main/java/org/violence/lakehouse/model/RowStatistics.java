package org.violence.lakehouse.model;

import java.io.Serializable;

/**
 * A sum over the rows of a sample, computed the same way by both fitting paths: the local path
 * adds the collected rows in a loop, the distributed one in {@code treeAggregate} over the
 * partitions, then merges the partial sums. {@code cell} is the row's cell in sorted order
 * ({@link Cells}); rows of dropped cells are skipped by the implementations.
 */
interface RowStatistics<S extends RowStatistics<S>> extends Serializable {
  void add(double y, double offset, double weight, double[] x, int cell);

  S merge(S other);

  /** The linear predictor, the family's start when no coefficients are given yet. */
  static double linearPredictor(IrlsState state, double y, double offset, double weight,
      double[] x, int active) {
    if (state.beta() == null) {
      return state.family().link(state.family().start(y, weight, state.meanOutcome()));
    }
    double eta = offset + state.cellEffect()[active];
    for (int j = 0; j < x.length; j++) {
      eta += x[j] * state.beta()[j];
    }
    return eta;
  }

  /** What a pass over the rows needs to know: the model and the current coefficients. */
  record IrlsState(GlmFamily family, int[] activeIndex, int activeCells, double meanOutcome,
      double[] beta, double[] cellEffect) implements Serializable {}
}
