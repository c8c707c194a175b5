package org.violence.lakehouse.silver;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.conf.LakehouseConfig.YearRange;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.quality.QualityGate;

/**
 * Years before CONAPO's first estimate (1990, in the real file) have no population and nothing
 * to interpolate from: the gate stops the table and its message names those years, where it
 * used to give a count of rows alone.
 */
class PopulationTest extends LakehouseTestBase {
  @Test
  void yearsBeforeTheFirstEstimateAreNamedByTheGate() {
    Lakehouse lakehouse = realRun().lakehouse();
    Population.Result result = Population.build(
        lakehouse.read(DelimitedSources.POPULATION_ESTIMATES.table()),
        lakehouse.read(Municipalities.TABLE), new YearRange(1985, 1991));
    QualityGate.QualityGateException failure = Assertions.assertThrows(
        QualityGate.QualityGateException.class,
        () -> new QualityGate("test").check(Population.TABLE, result.population(), "whole"));
    // 2,403 panel units over 7 years, of which 1985-1989 have no estimate.
    Assertions.assertTrue(failure.getMessage().contains("(12015 of 16821 row(s) violate it, "
        + "year 1985 to 1989)"), failure.getMessage());
  }
}
