package org.violence.lakehouse.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
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
    assertEquals("poisson", config.models().get(0).family());
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
    assertTrue(e.getMessage().startsWith("config key 'models[0].family'"), e.getMessage());
  }

  private static Path edited(String target, String replacement) throws IOException {
    String text = Files.readString(SHIPPED);
    assertTrue(text.contains(target), "fixture text not found: " + target);
    Path file = Files.createTempFile("lakehouse", ".yaml");
    Files.writeString(file, text.replace(target, replacement));
    return file;
  }
}
