package org.violence.lakehouse.model;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.cli.ConfigLoader;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.MunicipalityYearPanel;

/**
 * The formula language on the real panel against R fixest 0.12.1
 * (reference/fixest_formula_reference.R, its output committed next to it): transforms and
 * arithmetic in I(), orthogonal and raw poly(), i() as year dummies and as an event study,
 * a*b, the panel operators l(), f(), d() with a range of lags, c() ~ csw() making four
 * models from one line, sw0(), i() of a text column times a variable, weights written as an
 * expression, comparisons and logic in I() (as regressors and as a logit's outcome), terms in
 * R's order and with R's names (an interaction's variables as they first appear), R's factor()
 * coded as R codes it, and the shipped event-study, between (a mean of leads and lags as the
 * outcome) and long-difference models. Same names as fixest's, same samples (rows dropped by
 * lags), and the tolerances of FixedEffectsRegressionTest: 1e-8 relative on coefficients, 1e-6
 * on standard errors and p-values.
 */
class FormulaOnPanelTest extends LakehouseTestBase {
  private static final String PANEL = " | municipality + year";

  private static final Map<String, LakehouseConfig.ModelSpec> MODELS = new HashMap<>();
  private static final List<String> DEFAULTS = List.of("event_study_routes",
      "between_2008_2012", "long_difference_2000_2010");

  static {
    add("transforms", "log1p(homicides_registration) ~ log(population) + sqrt(urbanisation) "
        + "+ I(gini^2) + I(100 * gini - marginalisation/2) + exp(gini)" + PANEL, "gaussian",
        null);
    add("polynomial", "homicide_rate_registration ~ poly(urbanisation, 2) + "
        + "poly(gini, 2, raw = TRUE)" + PANEL, "gaussian", null);
    add("year_dummies", "homicide_rate_registration ~ i(year, ref = c(1990, 2006)) + gini | "
        + "municipality", "gaussian", null);
    add("interaction", "homicide_rate_registration ~ gini*after_2006 + "
        + "log(population):urbanisation | municipality", "gaussian", null);
    add("panel_operators", "homicides_registration ~ l(homicide_rate_registration, 1) + f(gini) "
        + "+ d(urbanisation) + l(marginalisation, 1:2)" + PANEL, "poisson", null);
    add("collinear", "homicide_rate_registration ~ gini + i(after_2006) + on_trafficking_route "
        + "+ I(2 * gini) | municipality", "gaussian", null);
    add("text_factor", "homicide_rate_registration ~ i(state_code, gini) + d(log(population))"
        + PANEL, "gaussian", null);
    MODELS.put("weighted_expression", new LakehouseConfig.ModelSpec("weighted_expression",
        "homicide_rate_registration ~ poly(urbanisation, 3) + l(gini, 1:2)" + PANEL, "gaussian",
        null, "iid", null, null, "local", null, "sqrt(population)"));
    // Conditions inside I(), 1 where true (compared with text, fixest names them by level);
    // terms as R's terms() orders and names them (gini:urbanisation, urbanisation:log(population));
    // R's factor(), by contrasts beside the intercept or the numeric margin, else every level.
    String[][] gaussian = {
        {"logical", "I(year >= 2007) + I(gini > 0.4 & urbanisation < 50) + "
            + "I(!on_trafficking_route | marginalisation > 0) + gini | municipality"},
        {"logical_text", "I(state_code == \"09\") + I(state_code != \"02\" & gini > 0.45) + "
            + "gini | year"},
        {"term_order", "gini + urbanisation:gini + log(population):urbanisation + "
            + "log(population) | municipality"},
        {"factors", "factor(year) + gini | municipality"},
        {"factor_slopes", "factor(state_code):gini + log(population) | year"},
        {"factor_interaction", "as.factor(year) * urbanisation | municipality"}};
    for (String[] model : gaussian) {
      add(model[0], "homicide_rate_registration ~ " + model[1], "gaussian", null);
    }
    add("logical_outcome", "I(homicides_registration > 0) ~ gini + urbanisation | year",
        "binomial", null);
    add("steps0", "homicides_registration ~ gini + sw0(urbanisation, marginalisation)" + PANEL,
        "poisson", new LakehouseConfig.Sample(new LakehouseConfig.YearRange(2007, 2010), null,
        null, null));
    add("stepwise", "c(homicides_registration, drug_war_homicides) ~ csw(gini, urbanisation)"
        + PANEL, "poisson", new LakehouseConfig.Sample(new LakehouseConfig.YearRange(2007, 2010),
        null, null, null));
  }

  private static void add(String name, String formula, String family,
      LakehouseConfig.Sample sample) {
    LakehouseConfig.ModelSpec spec = new LakehouseConfig.ModelSpec(name, formula, family,
        family.equals("poisson") ? "log_population" : null, "cluster(state)", sample, null,
        "local", null, null);
    PanelModel.expand(spec).forEach(s -> MODELS.put(s.name(), s));
  }

  @Test
  void everyConstructEqualsFixestOnTheRealPanel() throws IOException {
    Assertions.assertEquals(496, compare(model -> true, null),
        "every reference value was compared");
    PanelModel.Fit collinear = PanelModel.fit(panel(), MODELS.get("collinear"), "panel", 0,
        "test");
    Assertions.assertTrue(collinear.converged());
    Assertions.assertEquals("removed as collinear, as fixest does: on_trafficking_route, "
        + "I(2 * gini)", collinear.run().getAs("message"));
    // A text column as a number would fit its codes: refused, with what R would do instead.
    PanelModel.Fit text = PanelModel.fit(panel(), new LakehouseConfig.ModelSpec("text",
        "homicide_rate_registration ~ gini + state_code | year", "gaussian", null, "iid", null,
        null, null, null, null), "panel", 0, "test");
    Assertions.assertFalse(text.converged());
    Assertions.assertEquals("'state_code' is text, not a number: i(state_code) makes one dummy "
        + "per level, | state_code absorbs them", text.run().getAs("message"));
    // fixest's offset = ~log(population), written as an expression.
    LakehouseConfig.ModelSpec event = MODELS.get("event_study_routes");
    PanelModel.Fit logged = PanelModel.fit(panel(), new LakehouseConfig.ModelSpec("logged",
        event.formula(), "poisson", "log(population)", event.vcov(), null, null, null, null,
        null), "panel", 0, "test");
    FixedEffectsRegressionTest.assertRelative(-0.1063964301794792, logged.estimate(
        "year::2010:on_trafficking_route"), 1e-8, "offset log(population)");
    Assertions.assertEquals(List.of("stepwise.1", "stepwise.2", "stepwise.3", "stepwise.4"),
        MODELS.keySet().stream().filter(m -> m.startsWith("stepwise")).sorted().toList());
  }

  /**
   * The formula compiles to columns and a feature vector that every estimator path reads: the
   * distributed path (one treeAggregate per IRLS step) on the event study, the polynomials and
   * the panel operators gives fixest's numbers too.
   */
  @Test
  void theDistributedPathReadsTheSameCompiledFormula() throws IOException {
    Assertions.assertEquals(25 * 2 + 4 * 2 + 5 * 2, compare(model -> List.of(
        "event_study_routes", "polynomial", "panel_operators").contains(model), "distributed"));
    // And MLlib's GeneralizedLinearRegression (the mllib solver, effects as dummies) fits the
    // same compiled columns: an event study with a polynomial and a lag, year effects, equal to
    // the local path at MLlib's own tolerance (it stops on the change of the coefficients).
    String formula = "homicides_registration ~ i(year, on_trafficking_route, ref = 2006) + "
        + "poly(urbanisation, 2) + l(gini, 1) | year";
    FixedEffectsRegressionSummary local = FixestReference.summary(panel(), spec(formula,
        "local"));
    FixedEffectsRegressionSummary mllib = FixestReference.summary(panel(), spec(formula,
        "mllib"));
    Assertions.assertEquals("mllib", mllib.solver());
    Assertions.assertEquals(local.terms(), mllib.terms());
    Assertions.assertEquals(24 + 2 + 1, local.terms().size(), "1991-2015 less 2006, 2, 1");
    for (int j = 0; j < local.terms().size(); j++) {
      FixedEffectsRegressionTest.assertRelative(local.coefficients()[j],
          mllib.coefficients()[j], 1e-6, local.terms().get(j));
    }
  }

  private static LakehouseConfig.ModelSpec spec(String formula, String solver) {
    return new LakehouseConfig.ModelSpec("paths", formula, "poisson", "log_population",
        "cluster(state)", null, null, solver, null, null);
  }

  /** The shared run's panel. */
  private final CachedForTheClass panel = new CachedForTheClass(() ->
      realRun().lakehouse().read(MunicipalityYearPanel.TABLE));

  @AfterAll
  void releasePanel() {
    panel.release();
  }

  private Dataset<Row> panel() {
    return panel.get();
  }

  /** Compares the chosen models' reference rows, fitted by {@code solver} (null: as given). */
  private int compare(java.util.function.Predicate<String> models, String solver)
      throws IOException {
    // The shipped event study, between and long-difference models, as configured.
    ConfigLoader.load(projectDir().resolve("conf/lakehouse.yaml")).models().stream()
        .filter(m -> DEFAULTS.contains(m.name())).forEach(m -> MODELS.put(m.name(), m));
    Assertions.assertEquals(DEFAULTS.size() + 22, MODELS.size());
    Dataset<Row> panel = panel();
    return FixestReference.compare("fixest_formula_reference.csv", models, (model, vcov) -> {
      LakehouseConfig.ModelSpec spec = MODELS.get(model);
      Assertions.assertNotNull(spec, model);
      FixedEffectsRegressionSummary summary = FixestReference.summary(panel,
          new LakehouseConfig.ModelSpec(spec.name(), spec.formula(), spec.family(),
              spec.offset(), vcov, spec.sample(), null,
              solver == null ? spec.solver() : solver, null, spec.weights()));
      if (solver != null) {
        Assertions.assertEquals(solver, summary.solver());
      }
      return summary;
    }, 1e-8);
  }
}
