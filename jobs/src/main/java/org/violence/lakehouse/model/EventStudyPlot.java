package org.violence.lakehouse.model;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The plot of an event study, as fixest's {@code iplot}: for a model with
 * {@code i(year, var, ref = ...)}, one coefficient per year with its 95% confidence interval,
 * the reference years drawn at zero with a hollow marker, and a line at zero.
 */
final class EventStudyPlot {
  /** fixest's name of an i() coefficient: factor::level, then :var for an interaction. */
  private static final Pattern TERM = Pattern.compile("(\\w+)::(-?\\d+)((?::.+)?)");

  private EventStudyPlot() {}

  /** The i() call of a formula whose factor takes whole-number levels (years), or null. */
  static Formula.Call eventStudy(String formula) {
    for (Formula.Term term : Formula.parse(formula).regressors()) {
      for (Formula.Expression factor : term.factors()) {
        if (factor instanceof Formula.Call call && call.function().equals("i")
            && term.factors().size() == 1) {
          return call;
        }
      }
    }
    return null;
  }

  /** The PNG, or null when the fit has no whole-number i() coefficients. */
  static byte[] png(PanelModel.Fit fit) {
    Formula.Call call = eventStudy(fit.run().getAs("formula"));
    if (call == null) {
      return null;
    }
    String factor = ((Formula.Name) call.arguments().get(0)).name();
    List<Double> years = new ArrayList<>();
    List<Double> estimates = new ArrayList<>();
    List<Double> halfWidths = new ArrayList<>();
    String interaction = "";
    for (Row c : fit.coefficients()) {
      Matcher m = TERM.matcher(c.getString(2));
      if (m.matches() && m.group(1).equals(factor)) {
        years.add(Double.parseDouble(m.group(2)));
        estimates.add(c.getDouble(3));
        halfWidths.add(c.getDouble(8) - c.getDouble(3));
        interaction = m.group(3);
      }
    }
    if (years.size() < 2) {
      return null;
    }
    Set<String> references = IndicatorTerm.labels(call.named("ref"));
    String model = fit.run().getAs(PanelModel.MODEL);
    boolean poisson = !"gaussian".equals(fit.run().getAs("family"));
    XYChart chart = new XYChartBuilder().width(900).height(480)
        .title(model + ": effect by " + factor + (interaction.isEmpty() ? ""
            : " of " + interaction.substring(1)) + ", 95% CI (" + fit.run().getAs("vcov")
            + "); reference " + String.join(", ", references) + " = 0")
        .xAxisTitle(factor)
        .yAxisTitle(poisson ? "coefficient (log of the rate ratio)" : "coefficient").build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    chart.getStyler().setXAxisDecimalPattern("0");
    double first = years.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double last = years.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    XYSeries zero = chart.addSeries("zero", new double[] {first - 0.5, last + 0.5},
        new double[] {0, 0});
    zero.setMarker(SeriesMarkers.NONE);
    zero.setLineColor(Color.GRAY);
    zero.setLineStyle(new BasicStroke(1f));
    zero.setShowInLegend(false);
    XYSeries estimated = chart.addSeries("estimate and 95% CI", years, estimates, halfWidths);
    estimated.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    estimated.setMarker(SeriesMarkers.CIRCLE);
    List<Double> referenceYears = references.stream().filter(r -> r.matches("-?\\d+"))
        .map(Double::parseDouble).toList();
    if (!referenceYears.isEmpty()) {
      XYSeries reference = chart.addSeries("reference (" + String.join(", ", references) + ")",
          referenceYears, referenceYears.stream().map(y -> 0.0).toList());
      reference.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      reference.setMarker(SeriesMarkers.DIAMOND);
      reference.setMarkerColor(Color.RED);
    }
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw the event-study plot of " + model, e);
    }
  }
}
