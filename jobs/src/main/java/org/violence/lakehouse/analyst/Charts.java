package org.violence.lakehouse.analyst;

import java.awt.Color;
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

  /**
   * A chart of {@code y} against {@code x}, one series per value of {@code series} (or null),
   * with axis titles that say what is measured and in what unit.
   */
  public record Spec(Kind kind, String title, String x, String y, String series, String xTitle,
      String yTitle) {
    /** Axis titles as the columns are named: for charts whose columns say it all. */
    Spec(Kind kind, String title, String x, String y, String series) {
      this(kind, title, x, y, series, x, y);
    }
  }

  /**
   * ColorBrewer's Dark2 then Set1: sixteen colours that stay apart on white and in print, where
   * XChart's defaults gave neighbouring states near-identical reds.
   */
  static final Color[] PALETTE = {new Color(0x1B9E77), new Color(0xD95F02),
      new Color(0x7570B3), new Color(0xE7298A), new Color(0x66A61E), new Color(0xE6AB02),
      new Color(0xA6761D), new Color(0x666666), new Color(0xE41A1C), new Color(0x377EB8),
      new Color(0x4DAF4A), new Color(0x984EA3), new Color(0xFF7F00), new Color(0xA65628),
      new Color(0xF781BF), new Color(0x999999)};

  private Charts() {}

  public static byte[] png(Spec spec, List<Row> rows) {
    return encode(spec.kind() == Kind.BAR ? bars(spec, rows) : xy(spec, rows));
  }

  private static XYChart xy(Spec spec, List<Row> rows) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(spec.title())
        .xAxisTitle(spec.xTitle()).yAxisTitle(spec.yTitle()).build();
    chart.getStyler().setSeriesColors(PALETTE);
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

  /**
   * Bars of {@code y} per {@code x}; with a series column, one bar per series value side by side
   * within each {@code x}, with a legend (quintiles by year: five groups of one bar per year,
   * not fifteen bars labelled 1 to 5 three times).
   */
  private static CategoryChart bars(Spec spec, List<Row> rows) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title(spec.title()).xAxisTitle(spec.xTitle()).yAxisTitle(spec.yTitle()).build();
    chart.getStyler().setSeriesColors(PALETTE);
    chart.getStyler().setLegendVisible(spec.series() != null);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setXAxisLabelRotation(spec.series() == null ? 60 : 0);
    List<String> labels = new ArrayList<>();
    Map<String, Map<String, Number>> bySeries = new LinkedHashMap<>();
    for (Row row : rows) {
      Object value = row.getAs(spec.y());
      if (value != null) {
        String label = String.valueOf((Object) row.getAs(spec.x()));
        if (!labels.contains(label)) {
          labels.add(label);
        }
        String series = spec.series() == null ? spec.y()
            : String.valueOf((Object) row.getAs(spec.series()));
        bySeries.computeIfAbsent(series, s -> new LinkedHashMap<>()).put(label, (Number) value);
      }
    }
    // Every series over the same categories, in first-seen order; a missing bar is a zero-height
    // gap, as XChart needs the categories of all series aligned.
    for (Map.Entry<String, Map<String, Number>> series : bySeries.entrySet()) {
      List<Number> values = new ArrayList<>();
      for (String label : labels) {
        values.add(series.getValue().getOrDefault(label, 0));
      }
      chart.addSeries(series.getKey(), labels, values);
    }
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
