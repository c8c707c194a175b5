package org.violence.lakehouse.model;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
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
   * {@code fit(model, vcov)}, two fits at once, from other threads; returns how many values it
   * compared. A fit's summary holds every kind of standard errors (iid, hc1 and, with cluster
   * columns, the clustered ones), as fixest's summary(fit, vcov = ...) gives each from one
   * estimation: so a model is fitted once per clustering its rows ask for, and its iid and hc1
   * rows are read from the first of those fits (from an iid fit when none clusters).
   */
  static int compare(String file, Predicate<String> models,
      BiFunction<String, String, FixedEffectsRegressionSummary> fit,
      double coefficientTolerance) throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(LakehouseTestBase.projectDir()
        .resolve("jobs/src/test/resources/reference").resolve(file))) {
      // Terms such as "poly(x, 2)1" hold a comma and a space; fields are split on the others.
      String[] f = line.split(",(?! )");
      if (!line.startsWith("model,") && models.test(f[0])) {
        rows.add(f);
      }
    }
    // A fit alternates short Spark jobs with IRLS steps on one thread: two at a time keep both
    // cores busy (the two classes that compare with fixest spent a quarter of their time on one).
    Map<String, String> firstClustering = new HashMap<>();
    rows.stream().filter(f -> clustered(f[1]))
        .forEach(f -> firstClustering.putIfAbsent(f[0], f[1]));
    Function<String[], List<String>> fitOf = f -> List.of(f[0],
        clustered(f[1]) ? f[1] : firstClustering.getOrDefault(f[0], "iid"));
    Map<List<String>, FixedEffectsRegressionSummary> fitted = LakehouseTestBase.twoAtATime(
        rows.stream().map(fitOf).distinct().toList(), key -> fit.apply(key.get(0), key.get(1)));
    for (String[] f : rows) {
      compareRow(f, fitted.get(fitOf.apply(f)), coefficientTolerance);
    }
    return rows.size();
  }

  private static boolean clustered(String vcov) {
    return vcov.startsWith("cluster");
  }

  /** One reference row: model, vcov, term, estimate, standard error, p-value, rows. */
  private static void compareRow(String[] f, FixedEffectsRegressionSummary summary,
      double coefficientTolerance) {
    String vcov = f[1];
    String what = f[0] + " " + vcov + " " + f[2];
    Assertions.assertTrue(summary.converged(), what);
    Assertions.assertEquals(Long.parseLong(f[6]), summary.observations(), what + " rows");
    String kind = clustered(vcov) ? "cluster" : vcov;
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
  }
}
