package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.conf.ConfigException;
import org.violence.lakehouse.conf.LakehouseConfig.ModelSpec;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.silver.Municipalities;

/**
 * Fits one configured specification on the gold panel as an MLlib pipeline: Spark selects the
 * sample and computes the formula's columns ({@link ModelSample}), {@code VectorAssembler}
 * builds the features, and {@link FixedEffectsRegression} fits them with the fixed effects
 * absorbed (no 4,096-feature cap), locally or distributed by the size of the sample. A fit that
 * does not converge, or whose regressors are collinear, yields a run record that says so and no
 * coefficients or fitted values.
 */
public final class PanelModel {
  public static final String MODEL = "model";
  public static final String RUN_ID = "run_id";
  public static final String TERM = "term";
  private static final int DEFAULT_MAX_ITERATIONS = 100;
  private static final double CONFIDENCE = 0.95;
  private static final String FEATURES = "_features";
  private static final String PREDICTION = "_prediction";

  public static final Table RUNS = Table.in(Table.Layer.GOLD, "model_runs")
      .describedAs("One row per model fitted: specification, sample, observations dropped and "
          + "why, fit statistics, convergence, and the Delta version of the panel it read")
      .sourcedFrom("Models of conf/lakehouse.yaml fitted on gold.municipality_year_panel")
      .column(MODEL, "Name of the specification in the config")
      .column(RUN_ID, "Pipeline run that fitted it")
      .column("formula", "Model formula (fixest syntax: outcome ~ regressors | fixed effects)")
      .column("family", "gaussian (OLS), poisson or quasipoisson")
      .column("offset", "Offset: a column or an expression, e.g. log(population) for rates; "
          + "or null")
      .column("weights", "Analytic weights: a column or an expression; or null")
      .column("vcov", "Kind of standard errors: iid, hc1, cluster(...)")
      .column("sample", "Sample filter as configured (years, population floor, states)")
      .column("panel_table", "Table the model read")
      .column("panel_version", "Delta version of that table")
      .column("observations", "Rows used in the fit")
      .column("dropped_missing", "Sample rows left out for a missing outcome, regressor, offset "
          + "or key")
      .column("dropped_singletons", "Rows alone in a fixed-effect level (no information)")
      .column("dropped_separated", "Poisson: rows of a fixed-effect level whose outcome is zero "
          + "throughout (separated; its effect would be minus infinity)")
      .column("fixed_effects", "Levels of each absorbed fixed effect, e.g. "
          + "stable_municipality_code=2403; year=26")
      .column("parameters", "fixest's nparams: regressors plus the fixed effects' levels less "
          + "one reference per effect but the first; K of iid and hc1 standard errors")
      .column("iterations", "IRLS iterations (1 for OLS)")
      .column("converged", "True if the fit converged; false rows have no coefficients")
      .column("message", "Why the fit failed; for a fitted model, the regressors removed as "
          + "collinear with the fixed effects or earlier regressors (as fixest removes them); "
          + "else null")
      .column("deviance", "Residual deviance (residual sum of squares for OLS)")
      .column("log_likelihood", "Log-likelihood (Gaussian for OLS, Poisson otherwise)")
      .column("pearson_chi2", "Pearson chi-squared statistic (RSS for OLS)")
      .column("dispersion", "Pearson chi-squared / (N - K): over 1 signals Poisson "
          + "overdispersion; the scale of quasi-Poisson standard errors")
      .column("solver", "Fitting path: local (collected to the driver) or distributed "
          + "(treeAggregate per IRLS step)")
      .column("small_sample", "Small-sample conventions of the standard errors, as fixest's "
          + "ssc(): adj, fixef.K (nested: effects nested in a cluster not counted in K), "
          + "cluster.adj, cluster.df, t.df")
      .column("seconds", "Wall-clock time of the fit, sample preparation included")
      .build();

  public static final Table COEFFICIENTS = Table.in(Table.Layer.GOLD, "model_coefficients")
      .describedAs("Estimated coefficients with the standard errors of the configured kind")
      .sourcedFrom("Models of conf/lakehouse.yaml fitted on gold.municipality_year_panel")
      .column(MODEL, "Name of the specification in the config")
      .column(RUN_ID, "Pipeline run that fitted it")
      .column(TERM, "Regressor, a:b for an interaction, or (Intercept) without fixed effects")
      .column("estimate", "Coefficient (log scale for Poisson)")
      .column("std_error", "Standard error of the kind in vcov")
      .column("statistic", "Estimate / standard error (t for OLS, z for Poisson)")
      .column("p_value", "Two-sided p-value (t with N-K df, or G-1 when clustered, for OLS; "
          + "normal for Poisson)")
      .column("ci_low", "Lower end of the 95% confidence interval")
      .column("ci_high", "Upper end of the 95% confidence interval")
      .column("vcov", "Kind of standard errors: iid, hc1, cluster(...)")
      .column("panel_version", "Delta version of the panel the model read")
      .build();

  public static final Table FITTED = Table.in(Table.Layer.GOLD, "model_fitted")
      .describedAs("Fitted values and residuals of each converged model per municipality-year")
      .sourcedFrom("Models of conf/lakehouse.yaml fitted on gold.municipality_year_panel")
      .column(MODEL, "Name of the specification in the config")
      .column(RUN_ID, "Pipeline run that fitted it")
      .column(Municipalities.STABLE_CODE, "Panel unit")
      .column(MunicipalityYearPanel.YEAR, "Year")
      .column("observed", "Outcome")
      .column("fitted", "Fitted mean (expected count for Poisson), fixed effects included")
      .column("residual", "Observed minus fitted")
      .build();

  private PanelModel() {}

  /** A fitted specification: its run and coefficient rows, and its fitted values. */
  public record Fit(Row run, List<Row> coefficients, Dataset<Row> fitted) {
    public boolean converged() {
      return run.<Boolean>getAs("converged");
    }

    public double estimate(String term) {
      return coefficient(term).getDouble(3);
    }

    public double standardError(String term) {
      return coefficient(term).getDouble(4);
    }

    private Row coefficient(String term) {
      return coefficients.stream().filter(r -> r.getString(2).equals(term)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no term " + term));
    }
  }

  /**
   * The models one specification describes: itself, or with {@code c(y1, y2) ~} or
   * {@code sw()}/{@code csw()} one per outcome and step, in fixest's order, named
   * {@code name.1}, {@code name.2}… and each with its own formula written out.
   */
  public static List<ModelSpec> expand(ModelSpec spec) {
    List<Formula> formulas = Formula.expand(spec.formula());
    if (formulas.size() == 1) {
      return List.of(spec);
    }
    List<ModelSpec> models = new ArrayList<>();
    for (int m = 0; m < formulas.size(); m++) {
      models.add(new ModelSpec(spec.name() + "." + (m + 1), formulas.get(m).render(),
          spec.family(), spec.offset(), spec.vcov(), spec.sample(), spec.maxIterations(),
          spec.solver(), spec.smallSample(), spec.weights()));
    }
    return models;
  }

  /**
   * Refuses a specification that names a column the panel does not have, naming the model, the
   * config key ({@code key} + formula, offset, weights or vcov) and the column.
   */
  public static void requirePanelColumns(ModelSpec spec, String key) {
    ModelSample.NamedColumn unknown = ModelSample.unknownColumn(spec,
        Formula.expand(spec.formula()), VcovKind.parse(spec.vcov()));
    if (unknown != null) {
      throw new ConfigException(key + "." + unknown.key(), "model '" + spec.name() + "' names "
          + "the column '" + unknown.column() + "', which " + MunicipalityYearPanel.TABLE
          .qualifiedName() + " does not have (besides its columns, 'municipality' and 'state' "
          + "may be used); its columns are " + String.join(", ",
          new java.util.TreeSet<>(MunicipalityYearPanel.TABLE.columns().keySet())));
    }
  }

  /**
   * The rows {@link #fit} hands to the estimator, for exporting the same sample to another tool:
   * the sample's complete cases with the outcome, offset, regressors and keys.
   */
  static ModelSample.Design sampleRows(Dataset<Row> panel, ModelSpec spec) {
    ModelSample.Design design = design(panel, spec);
    return new ModelSample.Design(design.rows().na().drop(), design.regressors(),
        design.columns());
  }

  /** The sample's rows with the columns {@link #pipeline} reads (see {@link ModelSample}). */
  static ModelSample.Design design(Dataset<Row> panel, ModelSpec spec) {
    return ModelSample.design(panel, spec.sample(), Formula.parse(spec.formula()),
        spec.offset(), spec.weights(), VcovKind.parse(spec.vcov()));
  }

  /** The summary's name for the configured kind of standard errors. */
  private static String summaryKind(VcovKind vcov) {
    return vcov.kind() == VcovKind.Kind.CLUSTER ? "cluster" : vcov.label();
  }

  /**
   * The estimator a specification describes, reading the columns of {@link ModelSample}: the
   * regressors assembled into MLlib's feature vector, named as the formula names them.
   */
  static Pipeline pipeline(ModelSpec spec, ModelSample.Design design) {
    Formula formula = Formula.parse(spec.formula());
    VcovKind vcov = VcovKind.parse(spec.vcov());
    String[] effects = new String[formula.fixedEffects().size()];
    for (int f = 0; f < effects.length; f++) {
      effects[f] = ModelSample.effectKey(f);
    }
    String[] clusters = new String[vcov.clusters().size()];
    for (int c = 0; c < clusters.length; c++) {
      clusters[c] = ModelSample.clusterKey(c);
    }
    VectorAssembler assembler = new VectorAssembler()
        .setInputCols(design.regressorColumns())
        .setOutputCol(FEATURES).setHandleInvalid("keep");
    FixedEffectsRegression estimator = new FixedEffectsRegression()
        .setLabelCol(ModelSample.OUTCOME).setFeaturesCol(FEATURES)
        .setFeatureNames(design.regressors().toArray(String[]::new))
        .setPredictionCol(PREDICTION)
        .setOffsetCol(spec.offset() == null ? "" : ModelSample.OFFSET)
        .setWeightCol(spec.weights() == null ? "" : ModelSample.WEIGHT)
        .setFixedEffectCols(effects).setClusterCols(clusters).setFamily(spec.family())
        .setVcov(summaryKind(vcov))
        .setSmallSample(SmallSampleCorrection.parse(spec.smallSample()))
        .setSolver(spec.solver() == null ? "auto" : spec.solver())
        .setMaxIter(spec.maxIterations() == null ? DEFAULT_MAX_ITERATIONS : spec.maxIterations());
    return new Pipeline().setStages(new PipelineStage[] {assembler, estimator});
  }

  public static Fit fit(Dataset<Row> panel, ModelSpec spec, String panelTable,
      long panelVersion, String runId) {
    long start = System.nanoTime();
    Formula formula = Formula.parse(spec.formula());
    VcovKind vcov = VcovKind.parse(spec.vcov());
    RunRecord record = new RunRecord(spec, panelTable, panelVersion, runId, formula, List.of());
    Dataset<Row> noRows = panel.sparkSession().createDataFrame(List.of(), FITTED_SCHEMA);
    ModelSample.Design sample;
    try {
      sample = design(panel, spec);
    } catch (IllegalArgumentException e) {
      // What the formula asks of the data is not there (a reference level, poly's values).
      return new Fit(record.failed(e.getMessage(), seconds(start)), List.of(), noRows);
    }
    Fitted result;
    try {
      // Not cached: a run fits ten models and its outcome keeps them, so cached samples held
      // the heap; the fitted values compute the sample again when they are written.
      result = fitted(spec, formula, sample);
    } catch (ArithmeticException e) {
      return new Fit(record.failed(e.getMessage(), seconds(start)), List.of(), noRows);
    }
    PipelineModel fitted = result.pipeline();
    Dataset<Row> design = result.design().rows();
    record = record.removing(result.removed());
    FixedEffectsRegressionModel model = (FixedEffectsRegressionModel) fitted.stages()[1];
    FixedEffectsRegressionSummary summary = model.summary();
    if (!summary.converged()) {
      return new Fit(record.notConverged(summary, seconds(start)), List.of(), noRows);
    }
    String kind = summaryKind(vcov);
    double[] se = summary.standardErrors(kind);
    double[] p = summary.pValues(kind);
    double[][] ci = summary.confidenceIntervals(kind, CONFIDENCE);
    List<Row> coefficients = new ArrayList<>();
    for (int j = 0; j < summary.terms().size(); j++) {
      double b = summary.coefficients()[j];
      coefficients.add(RowFactory.create(spec.name(), runId, summary.terms().get(j), b, se[j],
          b / se[j], p[j], ci[j][0], ci[j][1], vcov.label(), panelVersion));
    }
    Column prediction = col(PREDICTION);
    // Rows outside the fitted sample (incomplete, singleton, separated) get no prediction.
    // Left to Spark: the stage writes them straight from the transform, no collect.
    Dataset<Row> fittedRows = fitted.transform(design)
        .where(prediction.isNotNull().and(not(isnan(prediction))))
        .select(lit(spec.name()), lit(runId), col(Municipalities.STABLE_CODE),
            col(MunicipalityYearPanel.YEAR), col(ModelSample.OUTCOME), prediction,
            col(ModelSample.OUTCOME).minus(prediction))
        .toDF(FITTED_SCHEMA.fieldNames());
    return new Fit(record.converged(summary, seconds(start)), coefficients, fittedRows);
  }

  /** A fitted pipeline, the design it fitted, and the regressors removed as collinear. */
  record Fitted(PipelineModel pipeline, ModelSample.Design design, List<String> removed) {
    FixedEffectsRegressionSummary summary() {
      return ((FixedEffectsRegressionModel) pipeline.stages()[1]).summary();
    }
  }

  /** {@link #fit}'s estimation, for a test or a benchmark to inspect. */
  static Fitted fitted(Dataset<Row> panel, ModelSpec spec) {
    return fitted(spec, Formula.parse(spec.formula()), design(panel, spec));
  }

  /**
   * Fits the pipeline; as fixest, a regressor collinear with the fixed effects or with earlier
   * regressors is removed and the model fitted without it. Throws ArithmeticException, with
   * the regressor named, when nothing is left or the failure is of another kind.
   */
  private static Fitted fitted(ModelSpec spec, Formula formula, ModelSample.Design sample) {
    List<String> removed = new ArrayList<>();
    while (true) {
      try {
        return new Fitted(pipeline(spec, sample).fit(sample.rows()), sample,
            List.copyOf(removed));
      } catch (ArithmeticException e) {
        int j = collinearRegressor(e.getMessage(), formula);
        if (j < 0 || sample.regressors().size() == 1) {
          throw new ArithmeticException(namingTerms(e.getMessage(), formula, sample));
        }
        removed.add(sample.regressors().get(j));
        sample = sample.without(j);
      }
    }
  }

  private static final java.util.regex.Pattern COLLINEAR = java.util.regex.Pattern.compile(
      "regressor (\\d+) is (constant within the fixed effects|collinear with the earlier)");

  /**
   * The index among the formula's regressors of the one a collinearity message names (the
   * estimator counts from 1, the intercept first when there is one); -1 for the intercept or
   * another failure.
   */
  private static int collinearRegressor(String message, Formula formula) {
    java.util.regex.Matcher m = COLLINEAR.matcher(message);
    return m.find() ? Integer.parseInt(m.group(1)) - (formula.hasFixedEffects() ? 1 : 2) : -1;
  }

  /** The message with the regressor it counts named as the formula names it. */
  private static String namingTerms(String message, Formula formula, ModelSample.Design sample) {
    int j = collinearRegressor(message, formula);
    return j < 0 || j >= sample.regressors().size() ? message : message.replaceFirst(
        "regressor \\d+", "regressor " + java.util.regex.Matcher.quoteReplacement(
            sample.regressors().get(j)));
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** What a run record says whatever the outcome of the fit. */
  private record RunRecord(ModelSpec spec, String panelTable, long panelVersion, String runId,
      Formula formula, List<String> removed) {

    RunRecord removing(List<String> collinear) {
      return new RunRecord(spec, panelTable, panelVersion, runId, formula, List.copyOf(collinear));
    }

    Row converged(FixedEffectsRegressionSummary s, double seconds) {
      return row(s, true, removed.isEmpty() ? null : "removed as collinear, as fixest does: "
          + String.join(", ", removed), s.deviance(), s.logLikelihood(), s.pearsonChi2(),
          s.dispersion(), seconds);
    }

    Row notConverged(FixedEffectsRegressionSummary s, double seconds) {
      return row(s, false, "IRLS did not converge in " + s.iterations() + " iterations "
          + "(deviance " + s.deviance() + ")", null, null, null, null, seconds);
    }

    Row failed(String message, double seconds) {
      return row(null, false, message, null, null, null, null, seconds);
    }

    private Row row(FixedEffectsRegressionSummary s, boolean converged, String message,
        Double deviance, Double logLikelihood, Double pearson, Double dispersion,
        double seconds) {
      StringBuilder levels = new StringBuilder();
      for (int f = 0; s != null && f < formula.fixedEffects().size(); f++) {
        levels.append(f == 0 ? "" : "; ")
            .append(formula.fixedEffects().get(f).label()).append('=')
            .append(s.fixedEffectLevelCount(f));
      }
      // With its schema, so that readers can ask for fields by name.
      return new GenericRowWithSchema(new Object[] {spec.name(), runId, spec.formula(),
          spec.family(), spec.offset(), spec.weights(), VcovKind.parse(spec.vcov()).label(),
          String.valueOf(spec.sample()), panelTable, panelVersion,
          s == null ? null : s.observations(), s == null ? null : s.droppedMissing(),
          s == null ? null : s.droppedSingletons(), s == null ? null : s.droppedSeparated(),
          s == null ? null : levels.toString(), s == null ? null : s.parameters(),
          s == null ? 0 : s.iterations(), converged, message, deviance, logLikelihood, pearson,
          dispersion, s == null ? null : s.solver(),
          SmallSampleCorrection.parse(spec.smallSample()).label(), seconds}, RUN_SCHEMA);
    }
  }

  public static Dataset<Row> runs(SparkSession spark, List<Fit> fits) {
    return spark.createDataFrame(fits.stream().map(Fit::run).toList(), RUN_SCHEMA);
  }

  public static Dataset<Row> coefficients(SparkSession spark, List<Fit> fits) {
    return spark.createDataFrame(fits.stream().flatMap(f -> f.coefficients().stream()).toList(),
        COEFFICIENT_SCHEMA);
  }

  public static Dataset<Row> fitted(SparkSession spark, List<Fit> fits) {
    return fits.stream().map(Fit::fitted).reduce(Dataset::union)
        .orElseGet(() -> spark.createDataFrame(List.of(), FITTED_SCHEMA));
  }

  private static final StructType RUN_SCHEMA = new StructType()
      .add(MODEL, DataTypes.StringType).add(RUN_ID, DataTypes.StringType)
      .add("formula", DataTypes.StringType).add("family", DataTypes.StringType)
      .add("offset", DataTypes.StringType).add("weights", DataTypes.StringType)
      .add("vcov", DataTypes.StringType)
      .add("sample", DataTypes.StringType).add("panel_table", DataTypes.StringType)
      .add("panel_version", DataTypes.LongType).add("observations", DataTypes.LongType)
      .add("dropped_missing", DataTypes.LongType).add("dropped_singletons", DataTypes.LongType)
      .add("dropped_separated", DataTypes.LongType).add("fixed_effects", DataTypes.StringType)
      .add("parameters", DataTypes.IntegerType).add("iterations", DataTypes.IntegerType)
      .add("converged", DataTypes.BooleanType).add("message", DataTypes.StringType)
      .add("deviance", DataTypes.DoubleType).add("log_likelihood", DataTypes.DoubleType)
      .add("pearson_chi2", DataTypes.DoubleType).add("dispersion", DataTypes.DoubleType)
      .add("solver", DataTypes.StringType).add("small_sample", DataTypes.StringType)
      .add("seconds", DataTypes.DoubleType);

  private static final StructType COEFFICIENT_SCHEMA = new StructType()
      .add(MODEL, DataTypes.StringType).add(RUN_ID, DataTypes.StringType)
      .add(TERM, DataTypes.StringType).add("estimate", DataTypes.DoubleType)
      .add("std_error", DataTypes.DoubleType).add("statistic", DataTypes.DoubleType)
      .add("p_value", DataTypes.DoubleType).add("ci_low", DataTypes.DoubleType)
      .add("ci_high", DataTypes.DoubleType).add("vcov", DataTypes.StringType)
      .add("panel_version", DataTypes.LongType);

  private static final StructType FITTED_SCHEMA = new StructType()
      .add(MODEL, DataTypes.StringType).add(RUN_ID, DataTypes.StringType)
      .add(Municipalities.STABLE_CODE, DataTypes.StringType)
      .add(MunicipalityYearPanel.YEAR, DataTypes.IntegerType)
      .add("observed", DataTypes.DoubleType).add("fitted", DataTypes.DoubleType)
      .add("residual", DataTypes.DoubleType);
}
