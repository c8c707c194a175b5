package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.GeneralizedLinearRegression;
import org.apache.spark.ml.regression.GeneralizedLinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code mllib} solver: MLlib's own {@link GeneralizedLinearRegression} fits the
 * coefficients, each fixed effect entering as dummies (one level dropped), which MLlib caps at
 * {@value #MLLIB_FEATURE_LIMIT} features; the lakehouse then adds the inference MLlib lacks
 * (HC1, one- and two-way clustered errors with fixest's conventions) from the same passes as
 * the other paths. It fits the rows the other paths fit (singletons and separated levels left
 * out first), so it gives the same estimates where it can run.
 */
final class MllibGlm {
  static final int MLLIB_FEATURE_LIMIT = 4096;
  private static final String FEATURES = "_mllib_features";
  private static final String REGRESSOR_VECTOR = "_mllib_x";

  private MllibGlm() {}

  static Irls.Fit fit(Dataset<Row> complete, Cells cells, Observations rows, GlmFamily family,
      boolean intercept, int maxIterations, double tolerance) {
    int features = rows.regressors() - (intercept ? 1 : 0);
    for (int f = 0; f < cells.effects(); f++) {
      features += cells.effectLevels(f).count() - 1;
    }
    if (features + 1 > MLLIB_FEATURE_LIMIT) {
      throw new IllegalArgumentException("solver mllib: " + features + " regressors and "
          + "fixed-effect dummies exceed MLlib's " + MLLIB_FEATURE_LIMIT + "-feature limit; "
          + "use solver auto, local or distributed, which absorb the effects");
    }
    List<PipelineStage> stages = new ArrayList<>();
    List<String> assembled = new ArrayList<>(List.of(REGRESSOR_VECTOR));
    for (int f = 0; f < cells.effects(); f++) {
      stages.add(new StringIndexer().setInputCol(PreparedSample.key(f))
          .setOutputCol(PreparedSample.key(f) + "_index").setStringOrderType("alphabetAsc"));
      stages.add(new OneHotEncoder().setInputCol(PreparedSample.key(f) + "_index")
          .setOutputCol(PreparedSample.key(f) + "_dummies").setDropLast(true));
      assembled.add(PreparedSample.key(f) + "_dummies");
    }
    stages.add(new VectorAssembler().setInputCols(assembled.toArray(String[]::new))
        .setOutputCol(FEATURES));
    stages.add(new GeneralizedLinearRegression()
        .setFamily(family == GlmFamily.QUASIPOISSON ? "poisson" : family.label())
        .setLink(switch (family) {
          case GAUSSIAN -> "identity";
          case POISSON, QUASIPOISSON -> "log";
          case BINOMIAL -> "logit";
        })
        .setLabelCol(PreparedSample.OUTCOME).setOffsetCol(PreparedSample.OFFSET)
        .setWeightCol(PreparedSample.WEIGHT).setFeaturesCol(FEATURES)
        .setFitIntercept(intercept || cells.effects() > 0).setMaxIter(maxIterations)
        .setTol(tolerance).setRegParam(0));
    Dataset<Row> input = DistributedObservations.tagged(complete, cells, true)
        .withColumn(REGRESSOR_VECTOR, org.apache.spark.ml.functions.array_to_vector(
            intercept ? org.apache.spark.sql.functions.slice(col(PreparedSample.REGRESSORS), 1,
                Integer.MAX_VALUE) : col(PreparedSample.REGRESSORS)));
    // MLlib reads its input once per IRLS step and once per indexer, and does not cache it:
    // uncached, every pass computed the formula's columns from the panel again.
    input.persist(StorageLevel.MEMORY_AND_DISK());
    PipelineModel model;
    try {
      model = new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(input);
    } finally {
      input.unpersist();
    }
    GeneralizedLinearRegressionModel glm =
        (GeneralizedLinearRegressionModel) model.stages()[stages.size() - 1];
    Vector coefficients = glm.coefficients();
    int k = rows.regressors();
    double[] beta = new double[k];
    int shift = intercept ? 1 : 0;
    if (intercept) {
      beta[0] = glm.intercept();
    }
    for (int j = shift; j < k; j++) {
      beta[j] = coefficients.apply(j - shift);
    }
    // The intercept belongs to the effects when there are any: the first effect carries it.
    double[][] effectCoefficients = new double[cells.effects()][];
    double[] cellEffect = new double[cells.activeCount()];
    int position = k - shift;
    for (int f = 0; f < cells.effects(); f++) {
      Cells.Levels levels = cells.effectLevels(f);
      String[] labels = ((StringIndexerModel) model.stages()[2 * f]).labelsArray()[0];
      java.util.Map<String, Integer> dummy = new java.util.HashMap<>();
      for (int d = 0; d < labels.length - 1; d++) {
        dummy.put(labels[d], position + d);
      }
      position += labels.length - 1;
      effectCoefficients[f] = new double[levels.count()];
      for (int l = 0; l < levels.count(); l++) {
        Integer index = dummy.get(levels.names().get(l));
        effectCoefficients[f][l] = (index == null ? 0 : coefficients.apply(index))
            + (f == 0 ? glm.intercept() : 0);
      }
      for (int c = 0; c < cellEffect.length; c++) {
        cellEffect[c] += effectCoefficients[f][levels.ofCell()[c]];
      }
    }
    int iterations = glm.summary().numIterations();
    return Irls.at(rows, cells, family, beta, cellEffect, effectCoefficients, iterations);
  }
}
