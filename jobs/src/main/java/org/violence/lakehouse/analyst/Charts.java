package org.violence.lakehouse.analyst;

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
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * Charts of query results as PNG, drawn by XChart: lines (one per value of a series column),
 * scatters and bars. Every chart is made from rows and column names, so notebooks and the
 * report describe a chart by the columns of their query.
 */
final class Charts {
  public static final int WIDTH = 900;
  public static final int HEIGHT = 500;

  /** The kinds a notebook may ask for in a {@code -- chart:} line. */
  public enum Kind { LINE, SCATTER, BAR }

  /** A chart of {@code y} against {@code x}, one series per value of {@code series} (or null). */
  public record Spec(Kind kind, String title, String x, String y, String series) {}

  private Charts() {}

  public static byte[] png(Spec spec, List<Row> rows) {
    return encode(spec.kind() == Kind.BAR ? bars(spec, rows) : xy(spec, rows));
  }

  private static XYChart xy(Spec spec, List<Row> rows) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(spec.title())
        .xAxisTitle(spec.x()).yAxisTitle(spec.y()).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setLegendVisible(spec.series() != null);
    chart.getStyler().setDefaultSeriesRenderStyle(spec.kind() == Kind.SCATTER
        ? XYSeries.XYSeriesRenderStyle.Scatter : XYSeries.XYSeriesRenderStyle.Line);
    chart.getStyler().setMarkerSize(spec.kind() == Kind.SCATTER ? 5 : 6);
    if (isYear(spec.x())) {
      chart.getStyler().setXAxisDecimalPattern("0");
    }
    for (Map.Entry<String, List<double[]>> series : bySeries(spec, rows).entrySet()) {
      double[] xs = series.getValue().stream().mapToDouble(p -> p[0]).toArray();
      double[] ys = series.getValue().stream().mapToDouble(p -> p[1]).toArray();
      chart.addSeries(series.getKey(), xs, ys);
    }
    return chart;
  }

  private static boolean isYear(String column) {
    return column.equals("year") || column.endsWith("_year");
  }

  /** Points of each series in row order; rows with a null x or y are left out. */
  private static Map<String, List<double[]>> bySeries(Spec spec, List<Row> rows) {
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (Row row : rows) {
      Object x = row.getAs(spec.x());
      Object y = row.getAs(spec.y());
      if (x == null || y == null) {
        continue;
      }
      String name = spec.series() == null ? spec.y() : String.valueOf((Object) row.getAs(
          spec.series()));
      series.computeIfAbsent(name, n -> new ArrayList<>()).add(new double[] {
          ((Number) x).doubleValue(), ((Number) y).doubleValue()});
    }
    if (series.isEmpty()) {
      throw new IllegalArgumentException("chart '" + spec.title() + "': no row has both "
          + spec.x() + " and " + spec.y());
    }
    return series;
  }

  private static CategoryChart bars(Spec spec, List<Row> rows) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title(spec.title()).xAxisTitle(spec.x()).yAxisTitle(spec.y()).build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(60);
    List<String> labels = new ArrayList<>();
    List<Number> values = new ArrayList<>();
    for (Row row : rows) {
      Object value = row.getAs(spec.y());
      if (value != null) {
        labels.add(String.valueOf((Object) row.getAs(spec.x())));
        values.add((Number) value);
      }
    }
    chart.addSeries(spec.y(), labels, values);
    return chart;
  }

  static byte[] encode(Chart<?, ?> chart) {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw the chart " + chart.getTitle(), e);
    }
  }
}
