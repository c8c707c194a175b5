package org.violence.lakehouse.model;

import java.io.IOException;
import java.nio.file.Files;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.conf.LakehouseConfig;

/**
 * Reference values computed by R fixest (scripts and their output under
 * src/test/resources/reference): one row per model, kind of standard errors and term, compared
 * with the lakehouse's fit at the stated tolerance on coefficients and 1e-6 relative on
 * standard errors and p-values.
 */
final class FixestReference {
  private FixestReference() {}

  /**
   * The summary of the lakehouse's own pipeline for {@code spec} on {@code panel}, collinear
   * regressors removed as the model stage removes them.
   */
  static FixedEffectsRegressionSummary summary(Dataset<Row> panel,
      LakehouseConfig.ModelSpec spec) {
    return PanelModel.fitted(panel, spec).summary();
  }

  /**
   * Compares the rows of {@code file} whose model {@code models} accepts with
   * {@code fit(model, vcov)}; returns how many values it compared.
   */
  static int compare(String file, Predicate<String> models,
      BiFunction<String, String, FixedEffectsRegressionSummary> fit,
      double coefficientTolerance) throws IOException {
    int compared = 0;
    for (String line : Files.readAllLines(LakehouseTestBase.projectDir()
        .resolve("jobs/src/test/resources/reference").resolve(file))) {
      // Terms such as "poly(x, 2)1" hold a comma and a space; fields are split on the others.
      String[] f = line.split(",(?! )");
      if (line.startsWith("model,") || !models.test(f[0])) {
        continue;
      }
      String vcov = f[1];
      FixedEffectsRegressionSummary summary = fit.apply(f[0], vcov);
      String what = f[0] + " " + vcov + " " + f[2];
      Assertions.assertTrue(summary.converged(), what);
      Assertions.assertEquals(Long.parseLong(f[6]), summary.observations(), what + " rows");
      String kind = vcov.startsWith("cluster") ? "cluster" : vcov;
      int j = summary.terms().indexOf(f[2]);
      Assertions.assertTrue(j >= 0, what + ": no such term among " + summary.terms());
      FixedEffectsRegressionTest.assertRelative(Double.parseDouble(f[3]),
          summary.coefficients()[j], coefficientTolerance, what);
      FixedEffectsRegressionTest.assertRelative(Double.parseDouble(f[4]),
          summary.standardErrors(kind)[j], 1e-6, what + " se");
      double p = Double.parseDouble(f[5]);
      if (p > 1e-200) {
        FixedEffectsRegressionTest.assertRelative(p, summary.pValues(kind)[j], 1e-6, what + " p");
      }
      compared++;
    }
    return compared;
  }
}
