package org.violence.lakehouse.model;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * One fit, from the input rows to the summary: prepare the compact columns, choose the path,
 * find the cells and the informative rows, run IRLS, then every kind of standard error.
 */
final class FixedEffectsFit {
  private FixedEffectsFit() {}

  static FixedEffectsRegressionSummary run(Dataset<?> input, FixedEffectsRegression params,
      List<String> namedTerms) {
    GlmFamily family = params.getFamily();
    String solver = params.getSolver();
    long maxLocalRows = params.getMaxLocalRows();
    boolean dropSingletons = params.getDropSingletons();
    Dataset<Row> selected = PreparedSample.select(input, params);
    // Auto: one Spark job that collects at most maxLocalRows + 1 rows decides the path, and a
    // small sample has then been read once; only a larger one is summarised by Spark. The rows
    // are read by one task (coalesce), which stops at the limit: a limit over several
    // partitions would scan them in rounds, one Spark job each.
    List<InternalRow> collected = null;
    if (!solver.equals("distributed")) {
      Dataset<Row> read = solver.equals("local") ? selected
          : selected.coalesce(1).limit(Math.toIntExact(maxLocalRows + 1));
      // Spark's internal rows, not Rows: the regressors arrive as double[], not boxed values.
      List<InternalRow> rows = List.of(read.queryExecution().executedPlan().executeCollect());
      collected = solver.equals("local") || rows.size() <= maxLocalRows ? rows : null;
    }
    int effects = params.getFixedEffectCols().length;
    int clusterings = params.getClusterCols().length;
    PreparedSample.Aggregated aggregated = collected != null ? null
        : PreparedSample.aggregate(selected, effects, clusterings);
    PreparedSample.Summary summary = collected != null ? PreparedSample.summarise(collected)
        : aggregated.summary();
    if (summary.complete() == 0) {
      throw new ArithmeticException("no complete row to fit: every one of the "
          + summary.total() + " rows misses the outcome, a regressor, the offset, the weight "
          + "or a fixed-effect or cluster key");
    }
    summary.check(params);
    String outcomeProblem = family.checkOutcome(summary.minOutcome(), summary.maxOutcome());
    if (outcomeProblem != null) {
      throw new IllegalArgumentException(params.getLabelCol() + ": " + outcomeProblem);
    }
    if (!(summary.minWeight() > 0)) {
      throw new IllegalArgumentException(params.getWeightCol() + ": weights must be positive; "
          + "the smallest is " + summary.minWeight());
    }
    boolean intercept = params.hasIntercept();
    int k = summary.features() + (intercept ? 1 : 0);
    List<String> terms = namedTerms.size() == k ? namedTerms : unnamedTerms(k, intercept);
    Observations rows;
    Cells cells;
    if (collected == null) {
      Dataset<Row> complete = PreparedSample.complete(selected);
      cells = Cells.of(aggregated.cells(), effects, clusterings, family, dropSingletons);
      rows = DistributedObservations.of(complete, cells, k, intercept);
    } else {
      LocalObservations.Collected local = LocalObservations.of(collected.stream()
          .filter(PreparedSample::isComplete).toList(), effects, clusterings, k, intercept);
      cells = Cells.of(local.cells(), effects, clusterings, family, dropSingletons);
      rows = local.observations();
    }
    try {
      if (cells.activeCount() == 0) {
        throw new ArithmeticException("no row carries information: every fixed-effect level "
            + "is a singleton or has a constant outcome");
      }
      Irls.Fit fit = solver.equals("mllib")
          ? MllibGlm.fit(PreparedSample.complete(selected), cells, rows, family, intercept,
              params.getMaxIter(), params.getTol())
          : Irls.fit(rows, cells, family, params.getMaxIter(), params.getTol());
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
          family, params.getSmallSample());
      List<Inference.Variance> variances = new ArrayList<>(List.of(Inference.iid(fit, sample),
          Inference.heteroskedasticityRobust(fit, sample)));
      if (clusterings > 0) {
        variances.add(Inference.clustered(fit, sample, cells,
            List.of(params.getClusterCols())));
      }
      return new FixedEffectsRegressionSummary(family, terms, fit, sample, variances,
          params.getVcov(), List.of(params.getFixedEffectCols()), levelNames,
          summary.total() - summary.complete(), cells.dropped(),
          solver.equals("mllib") ? "mllib" : collected == null ? "distributed" : "local");
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
