package org.violence.lakehouse.model;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.RFormula;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.GeneralizedLinearRegression;
import org.apache.spark.ml.regression.GeneralizedLinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.MunicipalityYearPanel;

/**
 * The MLlib estimator on the real panel against R fixest 0.12.1
 * (reference/fixest_reference.R, its output committed next to it): every family (OLS, weighted
 * OLS, Poisson, quasi-Poisson, logit) and every kind of standard error (iid, hc1, one- and
 * two-way clustered, with fixest's default small-sample corrections), by both fitting paths;
 * two and three fixed effects, one of them an interaction (state^year).
 * Tolerances, relative: 1e-8 on coefficients, 1e-6 on standard errors and p-values (fixest's own
 * convergence tolerances, at their floors, leave about 1e-10).
 */
class FixedEffectsRegressionTest extends LakehouseTestBase {
  private static final String FE = "gini + urbanisation + marginalisation";
  private static final String FE_PANEL = " | municipality + year";
  private static final LakehouseConfig.Sample ALL = null;

  /**
   * The lakehouse specification of each reference model; vcov (iid, or the clustering that
   * FixestReference fits once for every kind of standard errors) decides the cluster columns.
   */
  private static LakehouseConfig.ModelSpec spec(String model, String vcov, String solver) {
    return switch (model) {
      case "cross_section_2010" -> spec(model, "homicide_rate_registration ~ gini + poverty + "
          + "urbanisation + log_population + km_to_us_border", "gaussian", null, vcov,
          years(2010, 2010), solver, null);
      case "ols_fe" -> spec(model, "homicide_rate_registration ~ " + FE + FE_PANEL, "gaussian",
          null, vcov, ALL, solver, null);
      case "weighted_ols_fe" -> spec(model, "homicide_rate_registration ~ " + FE + FE_PANEL,
          "gaussian", null, vcov, ALL, solver, "population");
      case "poisson_fe_inequality" -> spec(model, "homicides_registration ~ " + FE
          + " + on_trafficking_route:after_2006" + FE_PANEL, "poisson", "log_population", vcov, ALL,
          solver, null);
      case "quasipoisson_fe" -> spec(model, "homicides_registration ~ " + FE + FE_PANEL,
          "quasipoisson", "log_population", vcov, ALL, solver, null);
      case "poisson_fe_drug_war" -> spec(model, "drug_war_homicides ~ " + FE + FE_PANEL,
          "poisson", "log_population", vcov, years(2007, 2010), solver, null);
      case "logit_fe" -> spec(model, "any_homicide ~ " + FE + FE_PANEL, "binomial", null, vcov,
          ALL, solver, null);
      case "poisson_fe_state_year" -> spec(model, "homicides_registration ~ " + FE
          + " | municipality + year + state^year", "poisson", "log_population", vcov, ALL, solver,
          null);
      case "ols_fe_state_year" -> spec(model, "homicide_rate_registration ~ " + FE
          + " | municipality + state^year", "gaussian", null, vcov, ALL, solver, null);
      case "poisson_year_fe" -> spec(model, "homicides_registration ~ " + FE + " | year",
          "poisson", "log_population", vcov, ALL, solver, null);
      default -> throw new IllegalArgumentException(model);
    };
  }

  private static LakehouseConfig.ModelSpec spec(String name, String formula, String family,
      String offset, String vcov, LakehouseConfig.Sample sample, String solver, String weights) {
    return new LakehouseConfig.ModelSpec(name, formula, family, offset, vcov, sample, null,
        solver, null, weights);
  }

  private static LakehouseConfig.Sample years(int first, int last) {
    return new LakehouseConfig.Sample(new LakehouseConfig.YearRange(first, last), null, null,
        null);
  }

  /** The panel plus the logit's outcome, made by a SQLTransformer as a user would. */
  private final CachedForTheClass panel = new CachedForTheClass(() -> new SQLTransformer()
      .setStatement("SELECT *, CAST(homicides_registration > 0 AS DOUBLE) AS any_homicide "
          + "FROM __THIS__")
      .transform(realRun().lakehouse().read(MunicipalityYearPanel.TABLE)));

  @AfterAll
  void releasePanel() {
    panel.release();
  }

  private Dataset<Row> panel() {
    return panel.get();
  }

  private FixedEffectsRegressionSummary fit(LakehouseConfig.ModelSpec spec) {
    return FixestReference.summary(panel(), spec);
  }

  @Test
  void everyFamilyAndStandardErrorByBothPathsEqualsFixest() throws IOException {
    Assertions.assertEquals(2 * 101, compareWithFixest(List.of("local", "distributed"),
        model -> true, 1e-8), "every reference value was compared");
  }

  /**
   * The mllib solver: MLlib's GeneralizedLinearRegression fits the coefficients (year effects
   * as dummies; the cross-section with an intercept), the lakehouse adds the standard errors
   * MLlib lacks (hc1, clustered); all equal fixest. MLlib's IRLS stops on the change of the
   * coefficients, hence 1e-7 on them.
   */
  @Test
  void mllibSolverFitsWithMllibAndAddsTheInferenceItLacks() throws IOException {
    Assertions.assertEquals(6 + 18, compareWithFixest(List.of("mllib"),
        model -> model.equals("poisson_year_fe") || model.equals("cross_section_2010"), 1e-7));
  }

  /** Compares the reference rows of the chosen models; returns how many values it compared. */
  private int compareWithFixest(List<String> solvers,
      java.util.function.Predicate<String> models, double coefficientTolerance)
      throws IOException {
    // Made here: the fits run on other threads, and the panel is cached once.
    Dataset<Row> panel = panel();
    int compared = 0;
    for (String solver : solvers) {
      compared += FixestReference.compare("fixest_reference.csv", models, (model, vcov) -> {
        FixedEffectsRegressionSummary fit = FixestReference.summary(panel,
            spec(model, vcov, solver));
        Assertions.assertEquals(solver, fit.solver());
        return fit;
      }, coefficientTolerance);
    }
    return compared;
  }

  /**
   * fixest's default counts no fixed effect nested in the cluster in K: municipality is nested
   * in state, so K = regressors + 26 years, not + 2,400 municipalities; and the run records it.
   */
  @Test
  void nestedFixedEffectsLeaveKWhenClustered() {
    FixedEffectsRegressionSummary fit = fit(spec("poisson_fe_inequality", "cluster(state)",
        "local"));
    Assertions.assertEquals(4 + 26, fit.parametersK("cluster"));
    Assertions.assertEquals(fit.parameters(), fit.parametersK("iid"));
    Assertions.assertEquals(4 + (fit.fixedEffectLevelCount(0) - 1) + 26, fit.parameters());
    Assertions.assertEquals(SmallSampleCorrection.FIXEST, fit.smallSampleCorrection());
    SmallSampleCorrection full = SmallSampleCorrection.parse("fixef.K=full");
    Assertions.assertEquals(SmallSampleCorrection.FixedEffectsK.FULL, full.fixedEffectsK());
    Assertions.assertTrue(full.adjust());
  }

  /**
   * A user's pipeline: RFormula names the regressors, the estimator absorbs municipality and
   * year; saved, loaded, and the loaded pipeline predicts what the fitted one predicts.
   * Quasi-Poisson and Poisson share their estimating equations, so fixest's quasi-Poisson
   * coefficients are the reference.
   */
  @Test
  void pipelineWithRFormulaFitsSavesLoadsAndTransforms() throws IOException {
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new RFormula().setFormula("homicides_registration ~ " + FE),
        new FixedEffectsRegression().setFamily("poisson").setOffsetCol("log_population")
            .setFixedEffectCols("stable_municipality_code", "year")
            .setClusterCols("state_code").setVcov("cluster")});
    Dataset<Row> panel = MunicipalityYearPanel.mexico(panel());
    PipelineModel fitted = pipeline.fit(panel);
    FixedEffectsRegressionModel model = (FixedEffectsRegressionModel) fitted.stages()[1];
    Assertions.assertEquals(List.of("gini", "urbanisation", "marginalisation"), model.terms());
    Assertions.assertEquals(-2.3716577610523819, model.summary().coefficient("gini"),
        2.4e-8);
    String path = Files.createTempDirectory("pipeline").resolve("model").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    FixedEffectsRegressionModel reloaded = (FixedEffectsRegressionModel) loaded.stages()[1];
    Assertions.assertFalse(reloaded.hasSummary());
    Assertions.assertArrayEquals(model.coefficients(), reloaded.coefficients());
    Dataset<Row> before = fitted.transform(panel).select("stable_municipality_code", "year",
        "prediction");
    Dataset<Row> after = loaded.transform(panel).select("stable_municipality_code", "year",
        "prediction");
    Assertions.assertEquals(0, before.exceptAll(after).count(), "same predictions after load");
    Assertions.assertEquals(model.summary().observations(),
        before.where("prediction is not null").count(), "a prediction for every fitted row, "
            + "none for rows of dropped (separated) municipalities");
    // The Poisson first-order conditions: predictions add up to the outcome in every year.
    Row worst = fitted.transform(panel).where("prediction is not null").groupBy("year")
        .agg(org.apache.spark.sql.functions.expr(
            "abs(sum(homicides_registration) - sum(prediction)) / sum(homicides_registration)")
            .as("gap")).agg(org.apache.spark.sql.functions.max("gap")).first();
    Assertions.assertTrue(worst.getDouble(0) < 1e-8, "yearly totals differ by " + worst);
  }

  /**
   * MLlib's own GeneralizedLinearRegression where it serves (no fixed effects, or effects as
   * dummies under its 4,096-feature cap) gives the estimates of our estimator: here the Poisson
   * model with year effects (26 levels as dummies) and the 2010 OLS cross-section.
   */
  @Test
  void mllibGeneralizedLinearRegressionGivesTheSameEstimatesWhereItServes() {
    Dataset<Row> panel = MunicipalityYearPanel.mexico(panel())
        .selectExpr("*", "cast(year as string) as year_level")
        .na().drop(new String[] {"gini", "urbanisation", "marginalisation", "log_population",
            "homicides_registration"});
    PipelineModel mllib = new Pipeline().setStages(new PipelineStage[] {
        new RFormula().setFormula("homicides_registration ~ " + FE + " + year_level"),
        new GeneralizedLinearRegression().setFamily("poisson").setLink("log")
            .setOffsetCol("log_population").setTol(1e-12).setMaxIter(100)}).fit(panel);
    GeneralizedLinearRegressionModel glr = (GeneralizedLinearRegressionModel) mllib.stages()[1];
    FixedEffectsRegressionSummary ours = fit(spec("poisson_year_fe", "iid", "local"));
    for (int j = 0; j < 3; j++) {
      assertRelative(glr.coefficients().apply(j), ours.coefficients()[j], 1e-7,
          "Poisson with year dummies, term " + ours.terms().get(j));
    }
    Dataset<Row> cross = MunicipalityYearPanel.mexico(panel()).where("year = 2010");
    String formula = "homicide_rate_registration ~ gini + poverty + urbanisation + "
        + "log_population + km_to_us_border";
    PipelineModel ols = new Pipeline().setStages(new PipelineStage[] {
        new RFormula().setFormula(formula),
        new org.apache.spark.ml.regression.LinearRegression().setSolver("normal")}).fit(cross);
    org.apache.spark.ml.regression.LinearRegressionModel lr =
        (org.apache.spark.ml.regression.LinearRegressionModel) ols.stages()[1];
    FixedEffectsRegressionSummary cs = fit(spec("cross_section_2010", "iid", "local"));
    assertRelative(lr.intercept(), cs.coefficient(Formula.INTERCEPT), 1e-8, "intercept");
    for (int j = 0; j < 5; j++) {
      assertRelative(lr.coefficients().apply(j), cs.coefficients()[j + 1], 1e-8,
          "OLS term " + cs.terms().get(j + 1));
    }
  }

  /** The two paths agree with each other far inside the tolerance against fixest. */
  @Test
  void localAndDistributedPathsGiveTheSameEstimates() {
    FixedEffectsRegressionSummary local = fit(spec("logit_fe", "cluster(state)", "local"));
    FixedEffectsRegressionSummary distributed = fit(spec("logit_fe", "cluster(state)",
        "distributed"));
    for (int j = 0; j < local.coefficients().length; j++) {
      assertRelative(local.coefficients()[j], distributed.coefficients()[j], 1e-8, "beta " + j);
      assertRelative(local.standardErrors("cluster")[j],
          distributed.standardErrors("cluster")[j], 1e-8, "se " + j);
    }
    Assertions.assertEquals(local.droppedSeparated(), distributed.droppedSeparated());
  }

  /**
   * A regressor missing from a row (NaN in the features, as VectorAssembler keeps a null) leaves
   * that row out, counted, by both paths: the fit equals the fit without those rows.
   */
  @Test
  void rowsWithAMissingRegressorAreLeftOutAndCounted() {
    Dataset<Row> mexico = MunicipalityYearPanel.mexico(panel()).where("homicides_registration "
        + "IS NOT NULL AND gini IS NOT NULL AND urbanisation IS NOT NULL");
    Dataset<Row> gappy = mexico.selectExpr("*",
        "CASE WHEN year = 2005 THEN CAST(NULL AS DOUBLE) ELSE gini END AS gini_gap");
    long gaps = gappy.where("year = 2005").count();
    FixedEffectsRegression poisson = new FixedEffectsRegression()
        .setLabelCol("homicides_registration").setFamily("poisson")
        .setOffsetCol("log_population")
        .setFixedEffectCols("stable_municipality_code", "year")
        .setDropSingletons(false);
    FixedEffectsRegressionSummary reference = poisson.setSolver("local")
        .fit(features(mexico.where("year <> 2005"), "gini")).summary();
    for (String solver : List.of("local", "distributed")) {
      FixedEffectsRegressionSummary withGaps = poisson.setSolver(solver)
          .fit(features(gappy, "gini_gap")).summary();
      Assertions.assertEquals(reference.droppedMissing() + gaps, withGaps.droppedMissing(),
          solver);
      Assertions.assertEquals(reference.observations(), withGaps.observations(), solver);
      for (int j = 0; j < reference.coefficients().length; j++) {
        // 1e-8 as between the paths: urbanisation barely moves within a municipality, and
        // the order of summation alone moves its estimate by ~1e-9.
        assertRelative(reference.coefficients()[j], withGaps.coefficients()[j], 1e-8,
            solver + " beta " + j);
      }
    }
  }

  private static Dataset<Row> features(Dataset<Row> rows, String gini) {
    return new VectorAssembler().setInputCols(new String[] {gini, "urbanisation"})
        .setOutputCol("features").setHandleInvalid("keep").transform(rows);
  }

  @Test
  void badInputIsRefusedWithItsReason() {
    Dataset<Row> panel = new VectorAssembler().setInputCols(new String[] {"gini"})
        .setOutputCol("features").setHandleInvalid("keep")
        .transform(MunicipalityYearPanel.mexico(panel()).selectExpr("*",
            "homicide_rate_registration - 1000 as negative"));
    IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
        () -> new FixedEffectsRegression().setLabelCol("negative").setFamily("poisson")
            .fit(panel));
    Assertions.assertTrue(e.getMessage().contains("must be non-negative"), e.getMessage());
    e = Assertions.assertThrows(IllegalArgumentException.class,
        () -> new FixedEffectsRegression().setLabelCol("nope").fit(panel));
    Assertions.assertTrue(e.getMessage().startsWith("no column 'nope'"), e.getMessage());
    e = Assertions.assertThrows(IllegalArgumentException.class,
        () -> new FixedEffectsRegression().setLabelCol("homicides_registration")
            .setVcov("cluster").fit(panel));
    Assertions.assertEquals("vcov = cluster needs clusterCols", e.getMessage());
  }

  static void assertRelative(double expected, double actual, double tolerance, String what) {
    double relative = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
    Assertions.assertTrue(relative <= tolerance, what + ": expected " + expected + " got " + actual
        + " (relative difference " + relative + ")");
  }
}
