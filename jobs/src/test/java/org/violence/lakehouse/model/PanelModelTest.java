package org.violence.lakehouse.model;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.MunicipalityYearPanel;

/**
 * The configured models as the pipeline fits them: the full panel with every municipality
 * effect, the rows dropped and why, failures reported, the side-by-side tables. The estimates
 * themselves are checked against R fixest in {@link FixedEffectsRegressionTest}.
 */
class PanelModelTest extends LakehouseTestBase {
  /** States 01-10 (312 municipalities). */
  private static final LakehouseConfig.Sample TEN_STATES = new LakehouseConfig.Sample(
      new LakehouseConfig.YearRange(1990, 2015), null,
      List.of("01", "02", "03", "04", "05", "06", "07", "08", "09", "10"), List.of("MX"));
  private static final String FE_REGRESSORS = "gini + urbanisation + marginalisation";

  private PanelModel.Fit fit(String name, String formula, String family, String offset,
      String vcov, LakehouseConfig.Sample sample, Integer maxIterations) {
    return PanelModel.fit(realRun().lakehouse().read(MunicipalityYearPanel.TABLE),
        new LakehouseConfig.ModelSpec(name, formula, family, offset, vcov, sample, maxIterations,
            null, null, null), MunicipalityYearPanel.TABLE.qualifiedName(), 0L, "test");
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
        + " | municipality + year", "poisson", "log_population", "iid", TEN_STATES, 2);
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
        + " | poisson_fe_drug_war | event_study_routes | poisson_fe_gini_post_2007 | "
        + "between_2008_2012 | long_difference_2000_2010 | diversion |\n"
        + "|---|---|---|---|---|---|---|---|---|\n"),
        markdown);
    // The steps of one specification stand together in a table of their own.
    Assertions.assertTrue(markdown.contains("\nspillover: 2 models from one specification\n\n"
        + "|  | spillover.1 | spillover.2 |\n"), markdown);
    Assertions.assertTrue(markdown.contains("| km_to_us_border | "), markdown);
    Assertions.assertTrue(markdown.contains("| vcov | hc1 | cluster(state) | cluster(state) | "
        + "cluster(state) | cluster(state) | cluster(state) | hc1 | cluster(state) |"), markdown);
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
    // The event study's coefficients by year, as fixest's iplot.
    PanelModel.Fit eventStudy = realRun().outcome().fits().stream()
        .filter(f -> f.run().getAs(PanelModel.MODEL).equals("event_study_routes")).findFirst()
        .orElseThrow();
    java.awt.image.BufferedImage plot = javax.imageio.ImageIO.read(reports.resolve(
        ModelTable.eventStudyPlotName(eventStudy)).toFile());
    Assertions.assertEquals(900, plot.getWidth());
    Assertions.assertEquals(25, eventStudy.coefficients().size(), "1990-2015 less 2006");
    Assertions.assertFalse(Files.exists(reports.resolve("cross_section_2010_event_study.png")));
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

}
