package org.violence.lakehouse.model;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One fit, from the input rows to the summary: prepare the compact columns, choose the path,
 * find the cells and the informative rows, run IRLS, then every kind of standard error.
 */
final class FixedEffectsFit {
  private FixedEffectsFit() {}

  static FixedEffectsRegressionSummary run(Dataset<?> input, FixedEffectsRegression params,
      List<String> namedTerms, String solver, long maxLocalRows, int maxIterations,
      double tolerance, boolean dropSingletons, SmallSampleCorrection ssc, String vcov) {
    GlmFamily family = params.getFamily();
    PreparedSample.Prepared prepared = PreparedSample.prepare(input, params);
    if (prepared.complete() == 0) {
      throw new ArithmeticException("no complete row to fit: every one of the "
          + prepared.total() + " rows misses the outcome, a regressor, the offset, the weight "
          + "or a fixed-effect or cluster key");
    }
    String outcomeProblem = family.checkOutcome(prepared.minOutcome(), prepared.maxOutcome());
    if (outcomeProblem != null) {
      throw new IllegalArgumentException(params.getLabelCol() + ": " + outcomeProblem);
    }
    if (!(prepared.minWeight() > 0)) {
      throw new IllegalArgumentException(params.getWeightCol() + ": weights must be positive; "
          + "the smallest is " + prepared.minWeight());
    }
    boolean intercept = params.hasIntercept();
    int k = prepared.features() + (intercept ? 1 : 0);
    List<String> terms = namedTerms.size() == k ? namedTerms : unnamedTerms(k, intercept);
    int effects = params.getFixedEffectCols().length;
    int clusterings = params.getClusterCols().length;
    boolean distributed = solver.equals("distributed")
        || solver.equals("auto") && prepared.complete() > maxLocalRows;
    Observations rows;
    Cells cells;
    if (distributed) {
      cells = Cells.of(DistributedObservations.cells(prepared.rows(), effects, clusterings),
          effects, clusterings, family, dropSingletons);
      rows = DistributedObservations.of(prepared.rows(), cells, k, intercept);
    } else {
      LocalObservations.Collected collected = LocalObservations.of(
          prepared.rows().collectAsList(), effects, clusterings, k, intercept);
      cells = Cells.of(collected.cells(), effects, clusterings, family, dropSingletons);
      rows = collected.observations();
    }
    try {
      if (cells.activeCount() == 0) {
        throw new ArithmeticException("no row carries information: every fixed-effect level "
            + "is a singleton or has a constant outcome");
      }
      Irls.Fit fit = Irls.fit(rows, cells, family, maxIterations, tolerance);
      int[] levelCounts = new int[effects];
      boolean[] nested = new boolean[effects];
      List<List<String>> levelNames = new ArrayList<>();
      for (int f = 0; f < effects; f++) {
        Cells.Levels levels = cells.effectLevels(f);
        levelCounts[f] = levels.count();
        levelNames.add(levels.names());
        for (int d = 0; d < clusterings; d++) {
          nested[f] |= cells.nested(f, d);
        }
      }
      Inference.Sample sample = new Inference.Sample(fit.scores().rows, k, levelCounts, nested,
          family, ssc);
      List<Inference.Variance> variances = new ArrayList<>(List.of(Inference.iid(fit, sample),
          Inference.heteroskedasticityRobust(fit, sample)));
      if (clusterings > 0) {
        variances.add(Inference.clustered(fit, sample, cells,
            List.of(params.getClusterCols())));
      }
      return new FixedEffectsRegressionSummary(family, terms, fit, sample, variances,
          vcov, List.of(params.getFixedEffectCols()), levelNames,
          prepared.total() - prepared.complete(), cells.dropped(),
          distributed ? "distributed" : "local");
    } finally {
      rows.release();
    }
  }

  private static List<String> unnamedTerms(int k, boolean intercept) {
    List<String> names = new ArrayList<>();
    if (intercept) {
      names.add(Formula.INTERCEPT);
    }
    for (int j = names.size(); j < k; j++) {
      names.add("x" + (names.size() + (intercept ? 0 : 1)));
    }
    return names;
  }
}
