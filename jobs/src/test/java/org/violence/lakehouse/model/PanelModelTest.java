package org.violence.lakehouse.model;


import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.gold.MunicipalityYearPanel;

/**
 * The configured Poisson model on the real panel against statsmodels' GLM on the same exported
 * panel (reference/poisson_reference.py, committed with its output). Tolerances: 1e-6 relative on
 * coefficients, 1e-4 relative on standard errors; both IRLS fits stop at a 1e-10 to 1e-12
 * tolerance, so what differs is floating-point order of summation.
 */
class PanelModelTest extends LakehouseTestBase {

  @Test
  void poissonFitMatchesStatsmodels() throws IOException {
    PanelModel.Fit fit = realRun().outcome().fits().get(0);
    List<String> reference = Files.readAllLines(projectDir().resolve(
        "jobs/src/test/resources/reference/poisson_inequality_urbanisation.csv"));
    int compared = 0;
    for (String line : reference) {
      if (line.startsWith("#") || line.startsWith("term,")) {
        continue;
      }
      String[] f = line.split(",");
      Row coefficient = fit.coefficients().stream().filter(r -> r.getString(2).equals(f[0]))
          .findFirst().orElseThrow(() -> new AssertionError("no term " + f[0]));
      assertRelative(Double.parseDouble(f[1]), coefficient.getDouble(3), 1e-6, f[0]);
      assertRelative(Double.parseDouble(f[2]), coefficient.getDouble(4), 1e-4, f[0] + " se");
      compared++;
    }
    Assertions.assertEquals(fit.coefficients().size(), compared, "every term has a reference value");
  }

  @Test
  void runRecordNamesThePanelVersionItRead() {
    Row run = realRun().outcome().fits().get(0).run();
    Row stored = realRun().lakehouse().read(PanelModel.RUNS).first();
    Assertions.assertEquals(run.getString(0), stored.<String>getAs("model"));
    Assertions.assertEquals(MunicipalityYearPanel.TABLE.qualifiedName(), stored.getAs("panel_table"));
    Assertions.assertEquals(realRun().outcome().versions().get(MunicipalityYearPanel.TABLE),
        stored.<Long>getAs("panel_version"));
    Assertions.assertTrue(stored.<Boolean>getAs("converged"));
    Assertions.assertEquals(62478L, stored.<Long>getAs("observations"));
    Assertions.assertEquals(0L, stored.<Long>getAs("dropped_missing"));
  }

  private static void assertRelative(double expected, double actual, double tolerance,
      String what) {
    double relative = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
    Assertions.assertTrue(relative <= tolerance, what + ": expected " + expected + " got " + actual
        + " (relative difference " + relative + ")");
  }
}
