package org.violence.lakehouse.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;

/**
 * A coefficient plot, as fixest's {@code coefplot}: each regressor's estimate with its 95%
 * confidence interval (of the model's kind of standard errors), as a PNG; of one model, or of
 * several side by side (one colour per specification).
 */
public final class CoefficientPlot {
  private CoefficientPlot() {}

  static byte[] png(PanelModel.Fit fit) {
    return png(fit.run().getAs(PanelModel.MODEL) + " (95% CI, vcov " + fit.run().getAs("vcov")
        + ")", fit.coefficients());
  }

  /**
   * Rows of {@link PanelModel#COEFFICIENTS} of the models of one family, one series per model:
   * one chart per family, since a Gaussian model's coefficients (homicides per 100,000) and a
   * Poisson model's (log rate ratios) share no scale.
   */
  public static byte[] acrossModels(String family, List<Row> coefficients) {
    return png("Coefficients across " + family + " models (95% CI)", coefficients);
  }

  private static byte[] png(String title, List<Row> coefficients) {
    List<Row> terms = coefficients.stream()
        .filter(c -> !c.getString(2).equals(Formula.INTERCEPT)).toList();
    List<String> names = terms.stream().map(c -> c.getString(2)).distinct().toList();
    Map<String, List<Row>> byModel = new LinkedHashMap<>();
    terms.forEach(c -> byModel.computeIfAbsent(c.getString(0), m -> new ArrayList<>()).add(c));
    CategoryChart chart = new CategoryChartBuilder().width(720).height(420).title(title)
        .xAxisTitle("term").yAxisTitle("estimate").build();
    chart.getStyler().setLegendVisible(byModel.size() > 1);
    chart.getStyler().setXAxisLabelRotation(30);
    chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
    // Every series spans every term, so terms line up; NaN (XChart draws nothing there) where
    // a model lacks the term.
    byModel.forEach((model, rows) -> {
      List<Double> estimates = new ArrayList<>();
      List<Double> halfWidths = new ArrayList<>();
      for (String term : names) {
        Row c = rows.stream().filter(r -> r.getString(2).equals(term)).findFirst().orElse(null);
        estimates.add(c == null ? Double.NaN : c.getDouble(3));
        halfWidths.add(c == null ? 0.0 : c.getDouble(8) - c.getDouble(3));
      }
      chart.addSeries(model, names, estimates, halfWidths);
    });
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw the coefficient plot " + title, e);
    }
  }
}
