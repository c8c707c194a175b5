package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.GeneralizedLinearRegression;
import org.apache.spark.ml.regression.GeneralizedLinearRegressionModel;
import org.apache.spark.ml.regression.GeneralizedLinearRegressionTrainingSummary;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.conf.LakehouseConfig.ModelSpec;
import org.violence.lakehouse.io.Table;

/**
 * Fits one configured specification on the gold panel with MLlib's generalised linear regression
 * (IRLS): a Poisson or Gaussian model of the outcome on the regressors, with year effects as
 * dummies (first year as reference) and, for counts, log population as the exposure offset.
 * Rows missing the outcome, a regressor or the offset are left out and counted.
 */
public final class PanelModel {
  public static final String MODEL = "model";
  public static final String RUN_ID = "run_id";
  public static final String TERM = "term";
  public static final String INTERCEPT = "(Intercept)";
  private static final int MAX_ITERATIONS = 100;
  /** Tight enough that estimates match other IRLS implementations to ~1e-8 relative. */
  private static final double TOLERANCE = 1e-10;
  private static final double Z_95 = 1.959963984540054;

  public static final Table RUNS = Table.in(Table.Layer.GOLD, "model_runs")
      .describedAs("One row per model fitted: specification, sample, fit statistics, and the "
          + "Delta version of the panel it read")
      .column(MODEL, "Name of the specification in the config")
      .column(RUN_ID, "Pipeline run that fitted it")
      .column("family", "poisson or gaussian")
      .column("outcome", "Dependent variable")
      .column("regressors", "Regressors, comma separated")
      .column("year_effects", "Whether year dummies were included")
      .column("offset", "Offset column (log population for rates), or null")
      .column("first_year", "First panel year in the sample")
      .column("last_year", "Last panel year in the sample")
      .column("panel_table", "Table the model read")
      .column("panel_version", "Delta version of that table")
      .column("observations", "Rows used")
      .column("dropped_missing", "Rows of the sample years left out for a missing value")
      .column("iterations", "IRLS iterations")
      .column("converged", "True if IRLS converged before the iteration limit")
      .column("deviance", "Residual deviance")
      .column("null_deviance", "Deviance of the model with the intercept (and offset) only")
      .column("aic", "Akaike information criterion")
      .column("dispersion", "Dispersion (1 for Poisson; residual variance for Gaussian)")
      .build();

  public static final Table COEFFICIENTS = Table.in(Table.Layer.GOLD, "model_coefficients")
      .describedAs("Estimated coefficients with classical (model-based) standard errors")
      .column(MODEL, "Name of the specification in the config")
      .column(RUN_ID, "Pipeline run that fitted it")
      .column(TERM, "Regressor, year dummy (year_YYYY) or (Intercept)")
      .column("estimate", "Coefficient (log scale for Poisson)")
      .column("std_error", "Model-based standard error")
      .column("statistic", "Estimate / standard error (z for Poisson, t for Gaussian)")
      .column("p_value", "Two-sided p-value")
      .column("ci_low", "Lower end of the 95% normal confidence interval")
      .column("ci_high", "Upper end of the 95% normal confidence interval")
      .column("panel_version", "Delta version of the panel the model read")
      .build();

  private PanelModel() {}

  /** A fitted specification as rows of the two tables. */
  public record Fit(Row run, List<Row> coefficients) {
    public double estimate(String term) {
      return coefficients.stream().filter(r -> r.getString(2).equals(term))
          .mapToDouble(r -> r.getDouble(3)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no term " + term));
    }
  }

  /** The sample and design of {@code spec}: outcome, regressors, dummies and offset, complete. */
  public static Dataset<Row> design(Dataset<Row> panel, ModelSpec spec, List<Integer> years) {
    List<Column> columns = new ArrayList<>();
    columns.add(col(spec.outcome()).cast("double").as("label"));
    for (String regressor : spec.regressors()) {
      columns.add(col(regressor).cast("double").as(regressor));
    }
    if (spec.yearEffects()) {
      for (int year : years.subList(1, years.size())) {
        columns.add(when(col("year").equalTo(year), 1.0).otherwise(0.0).as("year_" + year));
      }
    }
    if (spec.offset() != null) {
      columns.add(col(spec.offset()).cast("double").as("offset"));
    }
    Dataset<Row> sample = panel;
    if (spec.years() != null) {
      sample = sample.where(col("year").between(spec.years().first(), spec.years().last()));
    }
    return sample.select(columns.toArray(Column[]::new));
  }

  public static Fit fit(Dataset<Row> panel, ModelSpec spec, String panelTable, long panelVersion,
      String runId) {
    List<Integer> years = panel.where(spec.years() == null ? lit(true)
            : col("year").between(spec.years().first(), spec.years().last()))
        .select("year").distinct().orderBy("year").as(org.apache.spark.sql.Encoders.INT())
        .collectAsList();
    Dataset<Row> all = design(panel, spec, years);
    Dataset<Row> complete = all.na().drop();
    long observations = complete.count();
    long dropped = all.count() - observations;
    String[] features = java.util.Arrays.stream(complete.columns())
        .filter(c -> !c.equals("label") && !c.equals("offset")).toArray(String[]::new);
    Dataset<Row> assembled = new VectorAssembler().setInputCols(features)
        .setOutputCol("features").transform(complete);
    GeneralizedLinearRegression glm = new GeneralizedLinearRegression()
        .setFamily(spec.family())
        .setLink(spec.family().equals("poisson") ? "log" : "identity")
        .setMaxIter(MAX_ITERATIONS).setTol(TOLERANCE).setRegParam(0.0)
        .setLabelCol("label").setFeaturesCol("features");
    if (spec.offset() != null) {
      glm.setOffsetCol("offset");
    }
    GeneralizedLinearRegressionModel model = glm.fit(assembled);
    GeneralizedLinearRegressionTrainingSummary summary = model.summary();
    double[] se = summary.coefficientStandardErrors();
    double[] stat = summary.tValues();
    double[] p = summary.pValues();
    List<Row> coefficients = new ArrayList<>();
    for (int i = 0; i <= features.length; i++) {
      boolean intercept = i == features.length;
      double estimate = intercept ? model.intercept() : model.coefficients().apply(i);
      coefficients.add(RowFactory.create(spec.name(), runId, intercept ? INTERCEPT : features[i],
          estimate, se[i], stat[i], p[i], estimate - Z_95 * se[i], estimate + Z_95 * se[i],
          panelVersion));
    }
    Row run = RowFactory.create(spec.name(), runId, spec.family(), spec.outcome(),
        String.join(",", spec.regressors()), spec.yearEffects(), spec.offset(), years.get(0),
        years.get(years.size() - 1), panelTable, panelVersion, observations, dropped,
        summary.numIterations(), summary.numIterations() < MAX_ITERATIONS, summary.deviance(),
        summary.nullDeviance(), summary.aic(), summary.dispersion());
    return new Fit(run, coefficients);
  }

  public static Dataset<Row> runs(SparkSession spark, List<Fit> fits) {
    return spark.createDataFrame(fits.stream().map(Fit::run).toList(), RUN_SCHEMA);
  }

  public static Dataset<Row> coefficients(SparkSession spark, List<Fit> fits) {
    return spark.createDataFrame(fits.stream().flatMap(f -> f.coefficients().stream()).toList(),
        COEFFICIENT_SCHEMA);
  }

  private static final StructType RUN_SCHEMA = new StructType()
      .add(MODEL, DataTypes.StringType).add(RUN_ID, DataTypes.StringType)
      .add("family", DataTypes.StringType).add("outcome", DataTypes.StringType)
      .add("regressors", DataTypes.StringType).add("year_effects", DataTypes.BooleanType)
      .add("offset", DataTypes.StringType).add("first_year", DataTypes.IntegerType)
      .add("last_year", DataTypes.IntegerType).add("panel_table", DataTypes.StringType)
      .add("panel_version", DataTypes.LongType).add("observations", DataTypes.LongType)
      .add("dropped_missing", DataTypes.LongType).add("iterations", DataTypes.IntegerType)
      .add("converged", DataTypes.BooleanType).add("deviance", DataTypes.DoubleType)
      .add("null_deviance", DataTypes.DoubleType).add("aic", DataTypes.DoubleType)
      .add("dispersion", DataTypes.DoubleType);

  private static final StructType COEFFICIENT_SCHEMA = new StructType()
      .add(MODEL, DataTypes.StringType).add(RUN_ID, DataTypes.StringType)
      .add(TERM, DataTypes.StringType).add("estimate", DataTypes.DoubleType)
      .add("std_error", DataTypes.DoubleType).add("statistic", DataTypes.DoubleType)
      .add("p_value", DataTypes.DoubleType).add("ci_low", DataTypes.DoubleType)
      .add("ci_high", DataTypes.DoubleType).add("panel_version", DataTypes.LongType);
}
