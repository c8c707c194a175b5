package org.violence.lakehouse.model;

import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A generalised linear model with absorbed fixed effects as an MLlib {@link Estimator}: OLS,
 * Poisson (PPML), quasi-Poisson and logit, with an offset, analytic weights, any number of
 * fixed effects (one column each; combine columns beforehand, e.g. with {@code SQLTransformer},
 * for state × year) and fixest's kinds of standard errors. It takes the label and a features
 * vector like any MLlib regressor, so it fits inside a {@code Pipeline} after
 * {@code VectorAssembler} or {@code RFormula}.
 *
 * <p><b>Weights are analytic</b> (as fixest's and Stata's aweights): they weight each row's
 * contribution to the estimating equations, and the standard errors still count rows, not the
 * sum of weights. MLlib's own {@code weightCol} acts as frequency weights in its standard
 * errors, which is not what population weights mean.
 *
 * <p><b>Two paths</b> ({@code solver}, chosen as MLlib's {@code solver=auto} chooses): when the
 * complete sample has at most {@code maxLocalRows} rows its compact columns are collected to
 * the driver ({@code local}); beyond that they stay on the executors and each IRLS step is one
 * {@code treeAggregate} ({@code distributed}). Both run the same algorithm ({@link Irls}) on the
 * same sums, so they give the same estimates up to the order of additions. The distributed path
 * keeps one cell per distinct combination of fixed-effect levels and cluster values on the
 * driver, so those combinations, not the rows, must fit there. A third path, {@code mllib},
 * lets MLlib's own {@code GeneralizedLinearRegression} fit the coefficients with the effects as
 * dummies (under its 4,096-feature cap) and adds the same inference ({@link MllibGlm}).
 */
public final class FixedEffectsRegression extends Estimator<FixedEffectsRegressionModel>
    implements DefaultParamsWritable {
  /** Values of the {@code solver} param. */
  public static final List<String> SOLVERS = List.of("auto", "local", "distributed", "mllib");

  private final String uid;

  private final Param<String> labelCol;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final Param<String> offsetCol;
  private final Param<String> weightCol;
  private final StringArrayParam fixedEffectCols;
  private final StringArrayParam clusterCols;
  private final StringArrayParam featureNames;
  private final Param<String> family;
  private final Param<String> vcov;
  private final Param<String> smallSample;
  private final Param<String> solver;
  private final LongParam maxLocalRows;
  private final IntParam maxIter;
  private final DoubleParam tol;
  private final BooleanParam dropSingletons;
  private final BooleanParam fitIntercept;

  public FixedEffectsRegression() {
    this(Identifiable$.MODULE$.randomUID("fixedEffectsRegression"));
  }

  public FixedEffectsRegression(String uid) {
    this.uid = uid;
    // Params name their parent by uid, so they are made once the uid is set.
    labelCol = new Param<>(this, "labelCol", "outcome column");
    featuresCol = new Param<>(this, "featuresCol",
        "regressors as one vector column (VectorAssembler, RFormula)");
    predictionCol = new Param<>(this, "predictionCol",
        "column transform() writes: the fitted mean, fixed effects included");
    offsetCol = new Param<>(this, "offsetCol",
        "offset column entering the linear predictor with coefficient 1 (log population for "
        + "rates); empty for none");
    weightCol = new Param<>(this, "weightCol",
        "analytic weights (not frequency weights); empty for none");
    fixedEffectCols = new StringArrayParam(this, "fixedEffectCols",
        "columns whose levels are absorbed as fixed effects");
    clusterCols = new StringArrayParam(this, "clusterCols",
        "one or two columns for cluster-robust standard errors");
    featureNames = new StringArrayParam(this, "featureNames",
        "names of the features' elements, e.g. a formula's terms; empty: the features column's "
        + "ML attributes (VectorAssembler names them by input column, and a term such as "
        + "I(x * 0.5) is no column name Spark resolves)");
    family = new Param<>(this, "family",
        "gaussian, poisson, quasipoisson or binomial (logit)");
    vcov = new Param<>(this, "vcov",
        "standard errors the summary leads with: iid, hc1 or cluster (by clusterCols)");
    smallSample = new Param<>(this, "smallSample",
        "small-sample corrections as fixest's ssc(), e.g. " + SmallSampleCorrection.FIXEST.label());
    solver = new Param<>(this, "solver",
        "auto, local, distributed, or mllib (MLlib's GeneralizedLinearRegression with the "
        + "effects as dummies, under its 4,096-feature cap)");
    maxLocalRows = new LongParam(this, "maxLocalRows",
        "auto solver: largest complete sample fitted on the driver");
    maxIter = new IntParam(this, "maxIter", "maximum IRLS iterations");
    tol = new DoubleParam(this, "tol",
        "convergence: relative change of the deviance between iterations");
    dropSingletons = new BooleanParam(this, "dropSingletons",
        "drop rows alone in a fixed-effect level, as reghdfe and ppmlhdfe do");
    fitIntercept = new BooleanParam(this, "fitIntercept",
        "add an intercept when there is no fixed effect");
    setDefault(labelCol, "label");
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
    setDefault(offsetCol, "");
    setDefault(weightCol, "");
    setDefault(fixedEffectCols, new String[0]);
    setDefault(clusterCols, new String[0]);
    setDefault(featureNames, new String[0]);
    setDefault(family, "gaussian");
    setDefault(vcov, "iid");
    setDefault(smallSample, SmallSampleCorrection.FIXEST.label());
    setDefault(solver, "auto");
    setDefault(maxLocalRows, 1_000_000L);
    setDefault(maxIter, 100);
    setDefault(tol, 1e-10);
    setDefault(dropSingletons, true);
    setDefault(fitIntercept, true);
  }

  public static MLReader<FixedEffectsRegression> read() {
    return new DefaultParamsReadable<FixedEffectsRegression>() {}.read();
  }

  public static FixedEffectsRegression load(String path) {
    return read().load(path);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> offsetCol() {
    return offsetCol;
  }

  public Param<String> weightCol() {
    return weightCol;
  }

  public StringArrayParam fixedEffectCols() {
    return fixedEffectCols;
  }

  public StringArrayParam clusterCols() {
    return clusterCols;
  }

  public StringArrayParam featureNames() {
    return featureNames;
  }

  public Param<String> family() {
    return family;
  }

  public Param<String> vcov() {
    return vcov;
  }

  public Param<String> smallSample() {
    return smallSample;
  }

  public Param<String> solver() {
    return solver;
  }

  public LongParam maxLocalRows() {
    return maxLocalRows;
  }

  public IntParam maxIter() {
    return maxIter;
  }

  public DoubleParam tol() {
    return tol;
  }

  public BooleanParam dropSingletons() {
    return dropSingletons;
  }

  public BooleanParam fitIntercept() {
    return fitIntercept;
  }

  public FixedEffectsRegression setLabelCol(String value) {
    return (FixedEffectsRegression) set(labelCol, value);
  }

  public FixedEffectsRegression setFeaturesCol(String value) {
    return (FixedEffectsRegression) set(featuresCol, value);
  }

  public FixedEffectsRegression setPredictionCol(String value) {
    return (FixedEffectsRegression) set(predictionCol, value);
  }

  public FixedEffectsRegression setOffsetCol(String value) {
    return (FixedEffectsRegression) set(offsetCol, value == null ? "" : value);
  }

  public FixedEffectsRegression setWeightCol(String value) {
    return (FixedEffectsRegression) set(weightCol, value == null ? "" : value);
  }

  public FixedEffectsRegression setFixedEffectCols(String... value) {
    return (FixedEffectsRegression) set(fixedEffectCols, value);
  }

  public FixedEffectsRegression setFeatureNames(String... value) {
    return (FixedEffectsRegression) set(featureNames, value);
  }

  public FixedEffectsRegression setClusterCols(String... value) {
    return (FixedEffectsRegression) set(clusterCols, value);
  }

  public FixedEffectsRegression setFamily(String value) {
    return (FixedEffectsRegression) set(family, GlmFamily.parse(value).label());
  }

  public FixedEffectsRegression setVcov(String value) {
    return (FixedEffectsRegression) set(vcov, value);
  }

  public FixedEffectsRegression setSmallSample(SmallSampleCorrection value) {
    return (FixedEffectsRegression) set(smallSample, value.label());
  }

  public FixedEffectsRegression setSolver(String value) {
    return (FixedEffectsRegression) set(solver, value);
  }

  public FixedEffectsRegression setMaxLocalRows(long value) {
    return (FixedEffectsRegression) set(maxLocalRows, value);
  }

  public FixedEffectsRegression setMaxIter(int value) {
    return (FixedEffectsRegression) set(maxIter, value);
  }

  public FixedEffectsRegression setTol(double value) {
    return (FixedEffectsRegression) set(tol, value);
  }

  public FixedEffectsRegression setDropSingletons(boolean value) {
    return (FixedEffectsRegression) set(dropSingletons, value);
  }

  public FixedEffectsRegression setFitIntercept(boolean value) {
    return (FixedEffectsRegression) set(fitIntercept, value);
  }

  String getLabelCol() {
    return getOrDefault(labelCol);
  }

  String getFeaturesCol() {
    return getOrDefault(featuresCol);
  }

  String getOffsetCol() {
    return getOrDefault(offsetCol);
  }

  String getWeightCol() {
    return getOrDefault(weightCol);
  }

  String[] getFixedEffectCols() {
    return getOrDefault(fixedEffectCols);
  }

  String[] getClusterCols() {
    return getOrDefault(clusterCols);
  }

  GlmFamily getFamily() {
    return GlmFamily.parse(getOrDefault(family));
  }

  String getSolver() {
    return getOrDefault(solver);
  }

  long getMaxLocalRows() {
    return (Long) getOrDefault(maxLocalRows);
  }

  int getMaxIter() {
    return (Integer) getOrDefault(maxIter);
  }

  double getTol() {
    return (Double) getOrDefault(tol);
  }

  boolean getDropSingletons() {
    return (Boolean) getOrDefault(dropSingletons);
  }

  SmallSampleCorrection getSmallSample() {
    return SmallSampleCorrection.parse(getOrDefault(smallSample));
  }

  /** The kind of standard errors the summary leads with, lower case. */
  String getVcov() {
    return getOrDefault(vcov).toLowerCase(Locale.ROOT);
  }

  boolean hasIntercept() {
    return getFixedEffectCols().length == 0 && (Boolean) getOrDefault(fitIntercept);
  }

  @Override
  public FixedEffectsRegressionModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    String[] clusters = getClusterCols();
    if (clusters.length > 2) {
      throw new IllegalArgumentException("clusterCols: one column, or two for two-way "
          + "clustering; got " + clusters.length);
    }
    if (getVcov().equals("cluster") && clusters.length == 0) {
      throw new IllegalArgumentException("vcov = cluster needs clusterCols");
    }
    if (!SOLVERS.contains(getSolver())) {
      throw new IllegalArgumentException("solver '" + getSolver() + "' is not one of "
          + SOLVERS);
    }
    FixedEffectsRegressionSummary summary = FixedEffectsFit.run(dataset, this,
        termNames(dataset.schema()));
    FixedEffectsRegressionModel model = new FixedEffectsRegressionModel(uid, summary);
    copyValues(model, extractParamMap());
    return (FixedEffectsRegressionModel) model.setParent(this);
  }

  /**
   * Names of the regressors: featureNames, or the features column's ML attributes, or x1…
   * without either.
   */
  private List<String> termNames(StructType schema) {
    AttributeGroup group = AttributeGroup.fromStructField(schema.apply(getFeaturesCol()));
    java.util.ArrayList<String> names = new java.util.ArrayList<>();
    if (hasIntercept()) {
      names.add(Formula.INTERCEPT);
    }
    String[] given = getOrDefault(featureNames);
    if (given.length > 0) {
      if (group.size() >= 0 && group.size() != given.length) {
        throw new IllegalArgumentException("featureNames names " + given.length + " features; "
            + getFeaturesCol() + " has " + group.size());
      }
      names.addAll(List.of(given));
    } else if (group.attributes().isDefined()) {
      Attribute[] attributes = group.attributes().get();
      for (int j = 0; j < attributes.length; j++) {
        names.add(attributes[j].name().isDefined() ? attributes[j].name().get() : "x" + (j + 1));
      }
    } else if (group.size() > 0) {
      for (int j = 0; j < group.size(); j++) {
        names.add("x" + (j + 1));
      }
    }
    return names;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    for (String c : PreparedSample.concat(new String[] {getLabelCol(), getFeaturesCol()},
        PreparedSample.concat(getFixedEffectCols(), getClusterCols()))) {
      requireColumn(schema, c);
    }
    for (String c : new String[] {getOffsetCol(), getWeightCol()}) {
      if (!c.isEmpty()) {
        requireColumn(schema, c);
      }
    }
    return FixedEffectsRegressionModel.withPrediction(schema, getOrDefault(predictionCol));
  }

  static void requireColumn(StructType schema, String column) {
    if (!java.util.Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException("no column '" + column + "' in the input; it has "
          + String.join(", ", schema.fieldNames()));
    }
  }

  @Override
  public FixedEffectsRegression copy(ParamMap extra) {
    return defaultCopy(extra);
  }
}
