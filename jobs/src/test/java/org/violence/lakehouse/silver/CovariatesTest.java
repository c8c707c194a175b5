package org.violence.lakehouse.silver;

import static org.apache.spark.sql.functions.col;

import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.conf.LakehouseConfig.FillRule;
import org.violence.lakehouse.conf.LakehouseConfig.YearRange;
import org.violence.lakehouse.io.Lakehouse;

/**
 * Each fill rule on the real samples, for Asientos (01002), a municipality of 1990 that was never
 * split, so its unit's covariates are its own. Observed values are read off the raw CONEVAL file
 * (Indicadores_municipales_sabana_DA.csv, line 3: gini_90 0.379, gini_00 0.533, gini_10
 * 0.3438793, pobreza 0.671112); the filled ones are worked by hand from them. Tolerance 1e-9: the values are sums and quotients of a few doubles.
 */
class CovariatesTest extends LakehouseTestBase {
  private static final double TOLERANCE = 1e-9;

  @Test
  void eachCovariateIsFilledByItsOwnRule() {
    Lakehouse lakehouse = realRun().lakehouse();
    Covariates.Result result = Covariates.build(new Covariates.Inputs(
            lakehouse.read(DelimitedSources.CONEVAL_INDICATORS.table()),
            lakehouse.read(DelimitedSources.MARGINALISATION.table()),
            lakehouse.read(DelimitedSources.MARGINALISATION_2020.table()),
            lakehouse.read(DelimitedSources.POPULATION_ESTIMATES.table())),
        lakehouse.read(Municipalities.TABLE), new YearRange(1990, 2016),
        Map.of(Covariates.GINI, FillRule.LINEAR, Covariates.POVERTY, FillRule.NONE,
            Covariates.URBANISATION, FillRule.CARRY_FORWARD,
            Covariates.MARGINALISATION, FillRule.NONE));
    Map<Integer, Row> asientos = result.covariates()
        .where(col(Municipalities.STABLE_CODE).equalTo("01002")).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.<Integer>getAs(Covariates.YEAR), r -> r));
    Assertions.assertEquals(27, asientos.size(), "one row per year 1990-2016");

    Assertions.assertEquals(0.533, asientos.get(2000).<Double>getAs(Covariates.GINI), TOLERANCE);
    Assertions.assertTrue(asientos.get(2000).<Boolean>getAs(Covariates.observedFlag(
        Covariates.GINI)));
    // Linear between the censuses, the last census carried after 2010.
    Assertions.assertEquals((0.379 + 0.533) / 2, asientos.get(1995).<Double>getAs(Covariates.GINI),
        TOLERANCE);
    Assertions.assertEquals(0.533 + (0.3438793 - 0.533) * 3 / 10,
        asientos.get(2003).<Double>getAs(Covariates.GINI), TOLERANCE);
    Assertions.assertEquals(0.3438793, asientos.get(2016).<Double>getAs(Covariates.GINI),
        TOLERANCE);
    Assertions.assertFalse(asientos.get(2003).<Boolean>getAs(Covariates.observedFlag(
        Covariates.GINI)));
    Assertions.assertEquals("linear", asientos.get(2003).getAs(
        Covariates.fillRuleColumn(Covariates.GINI)));

    // No fill: poverty only in 2010.
    Assertions.assertEquals(0.671112, asientos.get(2010).<Double>getAs(Covariates.POVERTY),
        TOLERANCE);
    Assertions.assertNull(asientos.get(2011).getAs(Covariates.POVERTY));
    Assertions.assertEquals("none", asientos.get(2011).getAs(
        Covariates.fillRuleColumn(Covariates.POVERTY)));

    // Carried forward: CONAPO's 2010 urbanisation holds until its 2015 census.
    Row census2010 = asientos.get(2010);
    Assertions.assertTrue(census2010.<Boolean>getAs(Covariates.observedFlag(
        Covariates.URBANISATION)));
    for (int year = 2011; year <= 2014; year++) {
      Assertions.assertEquals(census2010.<Double>getAs(Covariates.URBANISATION),
          asientos.get(year).<Double>getAs(Covariates.URBANISATION), 0.0, "urbanisation " + year);
    }
    Assertions.assertTrue(asientos.get(2015).<Boolean>getAs(Covariates.observedFlag(
        Covariates.URBANISATION)));
  }
}
