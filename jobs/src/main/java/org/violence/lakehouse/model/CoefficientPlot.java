package org.violence.lakehouse.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.sql.Row;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;

/**
 * A coefficient plot of one model, as fixest's {@code coefplot}: each regressor's estimate with
 * its 95% confidence interval (of the model's kind of standard errors), as a PNG.
 */
final class CoefficientPlot {
  private CoefficientPlot() {}

  static byte[] png(PanelModel.Fit fit) {
    List<Row> terms = fit.coefficients().stream()
        .filter(c -> !c.getString(2).equals(Formula.INTERCEPT)).toList();
    CategoryChart chart = new CategoryChartBuilder().width(720).height(420)
        .title(fit.run().getAs(PanelModel.MODEL) + " (95% CI, vcov "
            + fit.run().getAs("vcov") + ")")
        .xAxisTitle("term").yAxisTitle("estimate").build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
    chart.addSeries("estimate", terms.stream().map(c -> c.getString(2)).toList(),
        terms.stream().map(c -> c.getDouble(3)).toList(),
        terms.stream().map(c -> c.getDouble(8) - c.getDouble(3)).toList());
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw the coefficient plot of "
          + fit.run().getAs(PanelModel.MODEL), e);
    }
  }
}
