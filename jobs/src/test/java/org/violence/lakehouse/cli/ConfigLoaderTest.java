package org.violence.lakehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.conf.ConfigException;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.LakehouseTestBase;

/** The shipped configuration loads; a broken one is refused with the key named. */
class ConfigLoaderTest {
  private static final Path SHIPPED = LakehouseTestBase.projectDir()
      .resolve("conf/lakehouse.yaml");

  @Test
  void shippedConfigurationLoads() {
    LakehouseConfig config = ConfigLoader.load(SHIPPED);
    assertEquals(new LakehouseConfig.YearRange(1990, 2015), config.years());
    assertEquals(LakehouseConfig.FillRule.CARRY_FORWARD, config.covariateFill().get("poverty"));
    assertEquals("poisson", config.models().get(1).family());
    assertEquals("cluster(state)", config.models().get(1).vcov());
  }

  @Test
  void unknownKeyIsNamed() throws IOException {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(edited("base_vintage: 1990", "base_vintage: 1990\n  colour: 1")));
    assertTrue(e.getMessage().startsWith("config key 'geography.colour': unknown key"),
        e.getMessage());
  }

  @Test
  void invalidFillRuleIsNamed() throws IOException {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(edited("gini: linear", "gini: spline")));
    assertTrue(e.getMessage().startsWith("config key 'covariate_fill.gini'"), e.getMessage());
  }

  @Test
  void reversedYearRangeIsNamed() throws IOException {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
        edited("years: {first: 1990, last: 2015}", "years: {first: 2015, last: 1990}")));
    assertEquals("config key 'years': first (2015) is after last (1990)", e.getMessage());
  }

  @Test
  void unknownModelFamilyIsNamed() throws IOException {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(edited("family: poisson", "family: negbin")));
    assertTrue(e.getMessage().startsWith("config key 'models[1].family'"), e.getMessage());
  }

  @Test
  void malformedFormulaIsNamed() throws IOException {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(edited(
        "formula: homicides_registration ~", "formula: homicides_registration =")));
    assertTrue(e.getMessage().startsWith("config key 'models[1].formula': formula error at "
        + "character 24: expected '~' between the outcome and the regressors, found '='\n"
        + "  homicides_registration = gini"), e.getMessage());
  }

  /** An offset may be an expression; a mistake in it is pointed at under its own key. */
  @Test
  void offsetIsAnExpression() throws IOException {
    assertEquals("log(population)", ConfigLoader.load(edited("offset: log_population",
        "offset: log(population)")).models().get(1).offset());
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(edited(
        "offset: log_population", "offset: log(population")));
    assertTrue(e.getMessage().startsWith("config key 'models[1].offset': formula error at "
        + "character 15: expected ',' or ')' closing the 'log(' at character 1"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(edited(
        "offset: log_population", "offset: log(populaton)")));
    assertTrue(e.getMessage().contains("names the column 'populaton'"), e.getMessage());
  }

  /** c() and csw() make one model per outcome and step, each with its formula written out. */
  @Test
  void oneSpecificationMakesSeveralModels() throws IOException {
    LakehouseConfig config = ConfigLoader.load(edited("formula: drug_war_homicides ~ gini + "
        + "urbanisation + marginalisation", "formula: c(drug_war_homicides, "
        + "homicides_registration) ~ csw(gini, urbanisation)"));
    assertEquals(List.of("poisson_fe_drug_war.1", "poisson_fe_drug_war.2",
        "poisson_fe_drug_war.3", "poisson_fe_drug_war.4"), config.models().stream()
        .map(LakehouseConfig.ModelSpec::name).filter(n -> n.startsWith("poisson_fe_drug_war"))
        .toList());
    assertEquals("homicides_registration ~ gini + urbanisation | municipality + year",
        config.models().stream().filter(m -> m.name().equals("poisson_fe_drug_war.4"))
            .findFirst().orElseThrow().formula());
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(edited(
        "formula: drug_war_homicides ~ gini", "formula: drug_war_homicides ~ l(gini, 1) + "
        + "i(year, on_route, ref = 2007) + gini")));
    assertTrue(e.getMessage().contains("names the column 'on_route'"), e.getMessage());
  }

  @Test
  void unknownStandardErrorKindIsNamed() throws IOException {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(edited("vcov: cluster(state)", "vcov: bootstrap")));
    assertEquals("config key 'models[1].vcov': 'bootstrap' is not iid, hc1, cluster(col) or "
        + "cluster(col1, col2)", e.getMessage());
  }

  /** A typo in a column is found when the file loads, not after Spark has read the panel. */
  @Test
  void unknownFormulaColumnIsNamedWithItsModel() throws IOException {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(edited(
        "marginalisation + on_trafficking_route", "marginalization + on_trafficking_route")));
    assertTrue(e.getMessage().startsWith("config key 'models[1].formula': model "
        + "'poisson_fe_inequality' names the column 'marginalization', which "
        + "gold.municipality_year_panel does not have"), e.getMessage());
  }

  @Test
  void unknownClusterColumnIsNamedWithItsModel() throws IOException {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(edited("vcov: cluster(state)", "vcov: cluster(statee)")));
    assertTrue(e.getMessage().startsWith("config key 'models[1].vcov': model "
        + "'poisson_fe_inequality' names the column 'statee'"), e.getMessage());
  }

  @Test
  void countriesOtherThanMexicoAreRefused() throws IOException {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(edited(
        "sample: {years: {first: 2010, last: 2010}}",
        "sample: {years: {first: 2010, last: 2010}, countries: [SV]}")));
    assertTrue(e.getMessage().startsWith("config key 'models[0].sample.countries'"),
        e.getMessage());
  }

  private static Path edited(String target, String replacement) throws IOException {
    String text = Files.readString(SHIPPED);
    assertTrue(text.contains(target), "fixture text not found: " + target);
    Path file = Files.createTempFile("lakehouse", ".yaml");
    Files.writeString(file, text.replace(target, replacement));
    return file;
  }
}
