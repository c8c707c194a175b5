package org.violence.lakehouse.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.conf.LakehouseConfig.ModelSpec;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.silver.Municipalities;

/**
 * Fits one configured specification on the gold panel: Spark selects the sample and drops the
 * rows that carry no information ({@link ModelSample}); the informative rows (at most a few
 * hundred thousand numbers per column) are then collected and fitted by {@link Estimator} with
 * fixed effects absorbed, so the number of effects is not bounded by MLlib's 4,096 features.
 * A fit that does not converge, or whose regressors are collinear, yields a run record that says
 * so and no coefficients or fitted values.
 */
public final class PanelModel {
  public static final String MODEL = "model";
  public static final String RUN_ID = "run_id";
  public static final String TERM = "term";
  private static final int DEFAULT_MAX_ITERATIONS = 100;

  public static final Table RUNS = Table.in(Table.Layer.GOLD, "model_runs")
      .describedAs("One row per model fitted: specification, sample, observations dropped and "
          + "why, fit statistics, convergence, and the Delta version of the panel it read")
      .sourcedFrom("Models of conf/lakehouse.yaml fitted on gold.municipality_year_panel")
      .column(MODEL, "Name of the specification in the config")
      .column(RUN_ID, "Pipeline run that fitted it")
      .column("formula", "Model formula (fixest syntax: outcome ~ regressors | fixed effects)")
      .column("family", "gaussian (OLS), poisson or quasipoisson")
      .column("offset", "Offset column (log population for rates), or null")
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
      .column("parameters", "K: regressors plus non-redundant fixed-effect coefficients, used "
          + "in the small-sample corrections")
      .column("iterations", "IRLS iterations (1 for OLS)")
      .column("converged", "True if the fit converged; false rows have no coefficients")
      .column("message", "Why the fit failed, or null")
      .column("deviance", "Residual deviance (residual sum of squares for OLS)")
      .column("log_likelihood", "Log-likelihood (Gaussian for OLS, Poisson otherwise)")
      .column("pearson_chi2", "Pearson chi-squared statistic (RSS for OLS)")
      .column("dispersion", "Pearson chi-squared / (N - K): over 1 signals Poisson "
          + "overdispersion; the scale of quasi-Poisson standard errors")
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

  /** A fitted specification as rows of the three tables. */
  public record Fit(Row run, List<Row> coefficients, List<Row> fitted) {
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

  /** The panel joined with the municipal attributes models may use (see ModelSample). */
  public static Dataset<Row> inputs(Dataset<Row> panel, Dataset<Row> municipalitySeats) {
    return ModelSample.withMunicipalAttributes(panel, municipalitySeats);
  }

  /**
   * The rows {@link #fit} estimates on: the sample's complete cases without the observations
   * that carry no information (for exporting the same rows to another tool).
   */
  static Dataset<Row> informativeRows(Dataset<Row> inputs, ModelSpec spec) {
    Formula formula = Formula.parse(spec.formula());
    return ModelSample.informative(ModelSample.design(ModelSample.inSample(inputs, spec.sample()),
            formula, spec.offset(), VcovKind.parse(spec.vcov())),
        formula.fixedEffects().size(), !spec.family().equals("gaussian")).rows();
  }

  public static Fit fit(Dataset<Row> inputs, ModelSpec spec, String panelTable,
      long panelVersion, String runId) {
    long start = System.nanoTime();
    Formula formula = Formula.parse(spec.formula());
    VcovKind vcov = VcovKind.parse(spec.vcov());
    Estimator.Family family = Estimator.Family.valueOf(spec.family().toUpperCase());
    Dataset<Row> inSample = ModelSample.inSample(inputs, spec.sample());
    Dataset<Row> design = ModelSample.design(inSample, formula, spec.offset(), vcov)
        .localCheckpoint();
    long missing = inSample.count() - design.count();
    ModelSample.Informative informative = ModelSample.informative(design,
        formula.fixedEffects().size(), family.isPoisson());
    // A fixed order makes every rerun sum in the same order and give bit-identical numbers.
    List<Row> rows = informative.rows()
        .orderBy(Municipalities.STABLE_CODE, MunicipalityYearPanel.YEAR).collectAsList();
    Collected data = collect(rows, formula, vcov);
    RunRecord record = new RunRecord(spec, panelTable, panelVersion, runId, rows.size(), missing,
        informative, data.estimatorData().effects(), formula);
    Estimator.Estimate estimate;
    try {
      estimate = Estimator.fit(data.estimatorData(), family, spec.maxIterations() == null
          ? DEFAULT_MAX_ITERATIONS : spec.maxIterations());
    } catch (ArithmeticException e) {
      return new Fit(record.failed(e.getMessage(), seconds(start)), List.of(), List.of());
    }
    if (!estimate.converged()) {
      return new Fit(record.notConverged(estimate, seconds(start)), List.of(), List.of());
    }
    Inference.Result inference = Inference.of(estimate, family, vcov, data.clusters());
    List<String> terms = data.terms();
    List<Row> coefficients = new ArrayList<>();
    double critical = inference.criticalValue();
    for (int j = 0; j < terms.size(); j++) {
      double b = estimate.coefficients()[j];
      double se = inference.standardErrors()[j];
      coefficients.add(RowFactory.create(spec.name(), runId, terms.get(j), b, se, b / se,
          inference.pValue(b / se), b - critical * se, b + critical * se, vcov.label(),
          panelVersion));
    }
    List<Row> fitted = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      fitted.add(RowFactory.create(spec.name(), runId, rows.get(i).getString(0),
          rows.get(i).getInt(1), data.estimatorData().outcome()[i], estimate.fitted()[i],
          estimate.residuals()[i]));
    }
    return new Fit(record.converged(estimate, family, seconds(start)), coefficients, fitted);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** The design as arrays: estimator input, cluster levels, and the coefficient names. */
  private record Collected(Estimator.Data estimatorData, int[][] clusters, List<String> terms) {}

  private static Collected collect(List<Row> rows, Formula formula, VcovKind vcov) {
    int n = rows.size();
    List<String> terms = new ArrayList<>();
    formula.regressors().forEach(t -> terms.add(ModelSample.regressorName(t)));
    boolean intercept = !formula.hasFixedEffects();
    if (intercept) {
      terms.add(0, Formula.INTERCEPT);
    }
    double[] outcome = new double[n];
    double[] offset = new double[n];
    double[][] x = new double[terms.size()][n];
    int effects = formula.fixedEffects().size();
    int firstKey = 4 + formula.regressors().size();
    int[][] levels = new int[effects][n];
    int[][] clusters = new int[vcov.clusters().size()][n];
    List<Map<String, Integer>> effectCodes = codes(effects);
    List<Map<String, Integer>> clusterCodes = codes(clusters.length);
    int shift = intercept ? 1 : 0;
    for (int i = 0; i < n; i++) {
      Row row = rows.get(i);
      outcome[i] = row.getDouble(2);
      offset[i] = row.getDouble(3);
      if (intercept) {
        x[0][i] = 1.0;
      }
      for (int j = 0; j < formula.regressors().size(); j++) {
        x[j + shift][i] = row.getDouble(4 + j);
      }
      for (int f = 0; f < effects; f++) {
        levels[f][i] = level(effectCodes.get(f), row.getString(firstKey + f));
      }
      for (int c = 0; c < clusters.length; c++) {
        clusters[c][i] = level(clusterCodes.get(c), row.getString(firstKey + effects + c));
      }
    }
    return new Collected(new Estimator.Data(outcome, offset, x, new FixedEffects(levels)),
        clusters, terms);
  }

  private static List<Map<String, Integer>> codes(int count) {
    List<Map<String, Integer>> maps = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      maps.add(new HashMap<>());
    }
    return maps;
  }

  private static int level(Map<String, Integer> codes, String key) {
    return codes.computeIfAbsent(key, k -> codes.size());
  }

  /** What a run record says whatever the outcome of the fit. */
  private record RunRecord(ModelSpec spec, String panelTable, long panelVersion, String runId,
      long observations, long missing, ModelSample.Informative informative,
      FixedEffects effects, Formula formula) {

    Row converged(Estimator.Estimate e, Estimator.Family family, double seconds) {
      return row(e.parameters(), e.iterations(), true, null, e.deviance(),
          logLikelihood(e, family), e.pearsonChi2(),
          e.pearsonChi2() / e.residualDegreesOfFreedom(), seconds);
    }

    Row notConverged(Estimator.Estimate e, double seconds) {
      return row(e.parameters(), e.iterations(), false, "IRLS did not converge in "
          + e.iterations() + " iterations (deviance " + e.deviance() + ")", null, null, null,
          null, seconds);
    }

    Row failed(String message, double seconds) {
      return row(null, 0, false, message, null, null, null, null, seconds);
    }

    private Row row(Integer parameters, int iterations, boolean converged, String message,
        Double deviance, Double logLikelihood, Double pearson, Double dispersion,
        double seconds) {
      StringBuilder levels = new StringBuilder();
      for (int f = 0; f < effects.effects(); f++) {
        levels.append(f == 0 ? "" : "; ")
            .append(formula.fixedEffects().get(f).label("^")).append('=')
            .append(effects.levelCount(f));
      }
      // With its schema, so that readers can ask for fields by name.
      return new GenericRowWithSchema(new Object[] {spec.name(), runId, spec.formula(),
          spec.family(), spec.offset(), VcovKind.parse(spec.vcov()).label(),
          String.valueOf(spec.sample()), panelTable, panelVersion, observations, missing,
          informative.singletons(), informative.separated(), levels.toString(), parameters,
          iterations, converged, message, deviance, logLikelihood, pearson, dispersion, seconds},
          RUN_SCHEMA);
    }
  }

  private static double logLikelihood(Estimator.Estimate e, Estimator.Family family) {
    int n = e.n();
    if (!family.isPoisson()) {
      return -n / 2.0 * (Math.log(2 * Math.PI * e.deviance() / n) + 1);
    }
    double ll = 0;
    for (int i = 0; i < n; i++) {
      double y = e.fitted()[i] + e.residuals()[i];
      ll += y * Math.log(e.fitted()[i]) - e.fitted()[i]
          - org.apache.commons.math3.special.Gamma.logGamma(y + 1);
    }
    return ll;
  }

  public static Dataset<Row> runs(SparkSession spark, List<Fit> fits) {
    return spark.createDataFrame(fits.stream().map(Fit::run).toList(), RUN_SCHEMA);
  }

  public static Dataset<Row> coefficients(SparkSession spark, List<Fit> fits) {
    return spark.createDataFrame(fits.stream().flatMap(f -> f.coefficients().stream()).toList(),
        COEFFICIENT_SCHEMA);
  }

  public static Dataset<Row> fitted(SparkSession spark, List<Fit> fits) {
    return spark.createDataFrame(fits.stream().flatMap(f -> f.fitted().stream()).toList(),
        FITTED_SCHEMA);
  }

  private static final StructType RUN_SCHEMA = new StructType()
      .add(MODEL, DataTypes.StringType).add(RUN_ID, DataTypes.StringType)
      .add("formula", DataTypes.StringType).add("family", DataTypes.StringType)
      .add("offset", DataTypes.StringType).add("vcov", DataTypes.StringType)
      .add("sample", DataTypes.StringType).add("panel_table", DataTypes.StringType)
      .add("panel_version", DataTypes.LongType).add("observations", DataTypes.LongType)
      .add("dropped_missing", DataTypes.LongType).add("dropped_singletons", DataTypes.LongType)
      .add("dropped_separated", DataTypes.LongType).add("fixed_effects", DataTypes.StringType)
      .add("parameters", DataTypes.IntegerType).add("iterations", DataTypes.IntegerType)
      .add("converged", DataTypes.BooleanType).add("message", DataTypes.StringType)
      .add("deviance", DataTypes.DoubleType).add("log_likelihood", DataTypes.DoubleType)
      .add("pearson_chi2", DataTypes.DoubleType).add("dispersion", DataTypes.DoubleType)
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
