package org.violence.lakehouse.model;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.MunicipalityYearPanel;

/**
 * Every estimator and kind of standard error on the real panel against values computed
 * independently: R's lm/glm with explicit factor dummies and sandwich's vcovHC/vcovCL
 * (reference/fixed_effects_reference.R, output committed next to it), and statsmodels' GLM with
 * year dummies (reference/poisson_reference.py). Tolerances: 1e-6 relative on coefficients,
 * 1e-4 relative on standard errors. Where the two algorithms differ (absorbed effects by
 * alternating projections vs dummies by QR), what remains is convergence and rounding error.
 */
class PanelModelTest extends LakehouseTestBase {
  private static final LakehouseConfig.YearRange PANEL_YEARS =
      new LakehouseConfig.YearRange(1990, 2015);
  /** States 01-10: where the dummy-variable fit in R is still quick (312 municipalities). */
  private static final LakehouseConfig.Sample DUMMY_FEASIBLE = new LakehouseConfig.Sample(
      PANEL_YEARS, null, List.of("01", "02", "03", "04", "05", "06", "07", "08", "09", "10"),
      List.of("MX"));
  private static final String FE_REGRESSORS = "gini + urbanisation + marginalisation";

  private Dataset<Row> inputs() {
    return PanelModel.inputs(realRun().lakehouse().read(MunicipalityYearPanel.TABLE),
        realRun().lakehouse().read(DelimitedSources.MUNICIPALITY_HEADS.table()));
  }

  private PanelModel.Fit fit(String name, String formula, String family, String offset,
      String vcov, LakehouseConfig.Sample sample, Integer maxIterations) {
    return PanelModel.fit(inputs(), new LakehouseConfig.ModelSpec(name, formula, family, offset,
        vcov, sample, maxIterations), MunicipalityYearPanel.TABLE.qualifiedName(), 0L, "test");
  }

  @Test
  void everyEstimatorAndStandardErrorMatchesRWithDummies() throws IOException {
    Map<String, LakehouseConfig.ModelSpec> specs = new HashMap<>();
    specs.put("cross_section_2010", new LakehouseConfig.ModelSpec("cross_section_2010",
        "homicide_rate_registration ~ gini + poverty + urbanisation + log_population"
            + " + km_to_us_border", "gaussian", null, null,
        new LakehouseConfig.Sample(new LakehouseConfig.YearRange(2010, 2010), null, null, null),
        null));
    specs.put("ols_fe", new LakehouseConfig.ModelSpec("ols_fe", "homicide_rate_registration ~ "
        + FE_REGRESSORS + " | municipality + year", "gaussian", null, null, DUMMY_FEASIBLE,
        null));
    specs.put("poisson_fe", new LakehouseConfig.ModelSpec("poisson_fe", "homicides_registration"
        + " ~ " + FE_REGRESSORS + " | municipality + year", "poisson", "log_population", null,
        DUMMY_FEASIBLE, null));
    specs.put("quasipoisson_fe", new LakehouseConfig.ModelSpec("quasipoisson_fe",
        "homicides_registration ~ " + FE_REGRESSORS + " | municipality + year", "quasipoisson",
        "log_population", null, DUMMY_FEASIBLE, null));
    Map<String, PanelModel.Fit> fits = new HashMap<>();
    int compared = 0;
    for (String line : Files.readAllLines(projectDir().resolve(
        "jobs/src/test/resources/reference/fixed_effects_reference.csv"))) {
      if (line.startsWith("model,")) {
        continue;
      }
      String[] f = line.split(",(?! )");
      String key = f[0] + " " + f[1];
      LakehouseConfig.ModelSpec s = specs.get(f[0]);
      PanelModel.Fit fit = fits.computeIfAbsent(key, k -> PanelModel.fit(inputs(),
          new LakehouseConfig.ModelSpec(s.name(), s.formula(), s.family(), s.offset(), f[1],
              s.sample(), s.maxIterations()), "test", 0L, "test"));
      Assertions.assertTrue(fit.converged(), key + " converged");
      assertRelative(Double.parseDouble(f[3]), fit.estimate(f[2]), 1e-6, key + " " + f[2]);
      assertRelative(Double.parseDouble(f[4]), fit.standardError(f[2]), 1e-4,
          key + " " + f[2] + " se");
      compared++;
    }
    Assertions.assertEquals(18 + 12 + 12 + 3, compared, "every reference value was compared");
  }

  @Test
  void yearEffectsAbsorbedMatchStatsmodelsWithYearDummies() throws IOException {
    PanelModel.Fit fit = fit("poisson_year_effects", "homicides_registration ~ " + FE_REGRESSORS
        + " | year", "poisson", "log_population", "iid",
        new LakehouseConfig.Sample(PANEL_YEARS, null, null, null), null);
    int compared = 0;
    for (String line : Files.readAllLines(projectDir().resolve(
        "jobs/src/test/resources/reference/poisson_inequality_urbanisation.csv"))) {
      String[] f = line.split(",");
      if (line.startsWith("#") || line.startsWith("term,") || f[0].startsWith("year_")
          || f[0].equals(Formula.INTERCEPT)) {
        continue;
      }
      assertRelative(Double.parseDouble(f[1]), fit.estimate(f[0]), 1e-6, f[0]);
      assertRelative(Double.parseDouble(f[2]), fit.standardError(f[0]), 1e-4, f[0] + " se");
      compared++;
    }
    Assertions.assertEquals(3, compared);
    Assertions.assertEquals(62478L, fit.run().<Long>getAs("observations"));
  }

  /**
   * The configured panel model absorbs all ~2,400 municipality effects (no 4,096 cap) and meets
   * the Poisson first-order conditions: with a municipality and a year effect, fitted counts add
   * up to observed counts in every municipality and every year.
   */
  @Test
  void fullPanelPoissonWithEveryMunicipalityEffectConvergesAndReportsDrops() {
    Row run = realRun().lakehouse().read(PanelModel.RUNS)
        .where("model = 'poisson_fe_inequality'").first();
    Assertions.assertTrue(run.<Boolean>getAs("converged"), String.valueOf(run));
    Assertions.assertEquals(realRun().outcome().versions().get(MunicipalityYearPanel.TABLE),
        run.<Long>getAs("panel_version"));
    long observations = run.getAs("observations");
    long separated = run.getAs("dropped_separated");
    Assertions.assertEquals(62478L, observations + separated + run.<Long>getAs("dropped_missing")
        + run.<Long>getAs("dropped_singletons"), "every panel row is used or counted as dropped");
    Assertions.assertTrue(separated > 0, "municipalities without a homicide in 26 years exist");
    Assertions.assertEquals(0L, separated % 26, "whole municipalities are dropped");
    Assertions.assertTrue(run.<String>getAs("fixed_effects").matches(
        "municipality=2\\d{3}; year=26"), run.<String>getAs("fixed_effects"));
    Dataset<Row> fitted = realRun().lakehouse().read(PanelModel.FITTED)
        .where("model = 'poisson_fe_inequality'");
    Assertions.assertEquals(observations, fitted.count());
    for (String unit : List.of("stable_municipality_code", "year")) {
      double worst = fitted.groupBy(unit).agg(
              org.apache.spark.sql.functions.abs(org.apache.spark.sql.functions.sum("residual"))
                  .divide(org.apache.spark.sql.functions.sum("observed")).as("gap"))
          .agg(org.apache.spark.sql.functions.max("gap")).first().getDouble(0);
      Assertions.assertTrue(worst < 1e-6, unit + ": fitted totals differ by " + worst);
    }
    Assertions.assertEquals(List.of("gini", "marginalisation", "on_trafficking_route:after_2006",
        "urbanisation"), realRun().lakehouse().read(PanelModel.COEFFICIENTS)
        .where("model = 'poisson_fe_inequality' and vcov = 'cluster(state)'")
        .orderBy(PanelModel.TERM).select(PanelModel.TERM)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList(), "route exposure enters "
        + "through its interaction with after_2006 (alone, the municipality effects absorb it)");
  }

  @Test
  void aModelThatDoesNotConvergeSaysSoAndWritesNoNumbers() {
    PanelModel.Fit fit = fit("two_iterations", "homicides_registration ~ " + FE_REGRESSORS
        + " | municipality + year", "poisson", "log_population", "iid", DUMMY_FEASIBLE, 2);
    Assertions.assertFalse(fit.converged());
    Assertions.assertTrue(fit.run().<String>getAs("message").startsWith(
        "IRLS did not converge in 2 iterations"), fit.run().<String>getAs("message"));
    Assertions.assertTrue(fit.coefficients().isEmpty());
    Assertions.assertTrue(fit.fitted().isEmpty());
  }

  @Test
  void sideBySideTableAndPlotsListEveryConfiguredModel() throws IOException {
    String markdown = ModelTable.markdown(realRun().outcome().fits());
    Assertions.assertTrue(markdown.startsWith("|  | cross_section_2010 | poisson_fe_inequality"
        + " | poisson_fe_drug_war |\n|---|---|---|---|\n"), markdown);
    Assertions.assertTrue(markdown.contains("| km_to_us_border | "), markdown);
    Assertions.assertTrue(markdown.contains("| vcov | hc1 | cluster(state) | cluster(state) |"),
        markdown);
    java.nio.file.Path reports = java.nio.file.Path.of(java.net.URI.create(
        realRun().lakehouse().root() + "/" + ModelTable.FOLDER));
    Assertions.assertEquals(markdown, Files.readString(reports.resolve("model_table.md")));
    Assertions.assertTrue(Files.readString(reports.resolve("model_table.html"))
        .contains("<th>poisson_fe_drug_war</th>"));
    for (PanelModel.Fit fit : realRun().outcome().fits()) {
      byte[] png = Files.readAllBytes(reports.resolve(ModelTable.plotName(fit)));
      Assertions.assertEquals(0x89, png[0] & 0xff, "PNG signature");
      Assertions.assertEquals('P', png[1]);
    }
  }

  /** The drug-war model reads only the years Presidencia covers in full. */
  @Test
  void drugWarModelUsesTheYearsTheSourceCovers() {
    Row run = realRun().lakehouse().read(PanelModel.RUNS)
        .where("model = 'poisson_fe_drug_war'").first();
    Assertions.assertTrue(run.<Boolean>getAs("converged"), String.valueOf(run));
    Assertions.assertTrue(run.<String>getAs("fixed_effects").endsWith("year=4"),
        run.<String>getAs("fixed_effects"));
  }

  private static void assertRelative(double expected, double actual, double tolerance,
      String what) {
    double relative = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
    Assertions.assertTrue(relative <= tolerance, what + ": expected " + expected + " got " + actual
        + " (relative difference " + relative + ")");
  }
}
