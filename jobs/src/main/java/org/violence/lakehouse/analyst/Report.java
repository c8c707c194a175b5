package org.violence.lakehouse.analyst;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.gold.SpatialFeatures;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.model.CoefficientPlot;
import org.violence.lakehouse.model.ModelTable;
import org.violence.lakehouse.model.PanelModel;
import org.violence.lakehouse.routes.RouteMap;
import org.violence.lakehouse.routes.TraffickingRoutes;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.MunicipalAreas;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * The night's results for people who read rather than query: a static HTML page with PNG
 * figures (national and state trends by year of registration and of occurrence, the
 * municipalities with the highest rates, a choropleth of municipal rates, the predicted
 * trafficking routes, the coefficients of every model specification) and the data dictionary.
 */
public final class Report {
  public static final String INDEX = "index.html";
  public static final String NATIONAL = "national_trend.png";
  public static final String STATES_REGISTRATION = "state_trends_registration.png";
  public static final String STATES_OCCURRENCE = "state_trends_occurrence.png";
  public static final String TOP_MUNICIPALITIES = "top_municipalities.png";
  public static final String RATE_MAP = "homicide_rate_map.png";
  public static final String ROUTES = "trafficking_routes.png";
  /**
   * Raw rates of small municipalities jump with a single death (one in 1,200 people is 83 per
   * 100,000); the map and the ranking show the local empirical-Bayes rate instead, which
   * shrinks them towards their neighbourhood's (see {@link SpatialFeatures}).
   */
  static final String MAPPED_RATE = SpatialFeatures.EB_LOCAL;
  public static final int TOP = 20;
  /** States drawn in the trend charts: the highest rates of the last year. */
  static final int STATES_SHOWN = 8;
  public static final int MAP_WIDTH = 1400;
  /** Upper bounds of the map's classes (homicides per 100,000); the last class is open. */
  public static final double[] MAP_BREAKS = {0, 5, 10, 20, 40, 80};
  /** ColorBrewer YlOrRd, one colour per class: the zero class and six more. */
  public static final Color[] MAP_COLOURS = {new Color(0xFFFFCC), new Color(0xFFEDA0),
      new Color(0xFED976), new Color(0xFEB24C), new Color(0xFD8D3C), new Color(0xF03B20),
      new Color(0xBD0026)};
  public static final Color NO_DATA = new Color(0xBBBBBB);

  /** The unit of every rate axis. */
  private static final String PER_100K = "Homicides per 100,000 inhabitants";
  private static final String FAMILY = "family";
  private static final String RATE_REGISTRATION = "rate_registration";
  private static final String RATE_OCCURRENCE = "rate_occurrence";

  private final Lakehouse lakehouse;
  private final LakehouseConfig config;
  private final PrintStream progress;
  private final StringBuilder body = new StringBuilder();
  private String folder;

  public Report(Lakehouse lakehouse, LakehouseConfig config, PrintStream progress) {
    this.lakehouse = lakehouse;
    this.config = config;
    this.progress = progress;
  }

  /** The report's default folder: next to the model tables, under the lakehouse. */
  public static String defaultFolder(Lakehouse lakehouse) {
    return lakehouse.root() + "/" + ModelTable.FOLDER;
  }

  /** Whether the default folder holds a report (a nightly run with no change keeps it). */
  public static boolean isWritten(Lakehouse lakehouse) {
    return exists(lakehouse.spark().sparkContext().hadoopConfiguration(),
        defaultFolder(lakehouse) + "/" + INDEX);
  }

  /** Writes the report and its figures into {@code folder}; returns the index page's path. */
  public String write(String folder) {
    this.folder = folder;
    long start = System.nanoTime();
    Dataset<Row> panel = MunicipalityYearPanel.mexico(lakehouse.read(MunicipalityYearPanel.TABLE))
        .persist();
    try {
      int lastYear = panel.agg(max(MunicipalityYearPanel.YEAR)).first().getInt(0);
      // Read once for the three maps (static rates, interactive page, routes): 3.8 MB.
      String polygons = MunicipalAreas.polygons(lakehouse, config);
      body.append("<h1>Homicides in Mexico: the night's report</h1>\n<p class=\"note\">Lakehouse ")
          .append(Html.escape(lakehouse.root())).append("; gold panel version ")
          .append(lakehouse.version(MunicipalityYearPanel.TABLE)).append(". Tables: see the <a "
              + "href=\"").append(DataDictionary.PAGE).append("\">data dictionary</a>. The map "
              + "with zoom, a year selector and the tables as CSV: the <a href=\"")
          .append(InteractivePage.PAGE).append("\">interactive page</a>.</p>\n");
      step("national trend", () -> national(panel));
      step("state trends", () -> states(panel, lastYear));
      step("municipalities with the highest rates", () -> topMunicipalities(panel, lastYear));
      step("map of municipal rates", () -> rateMap(panel, lastYear, polygons));
      step("interactive page", () -> InteractivePage.write(lakehouse, panel,
          polygons, folder));
      step("trafficking routes", () -> routes(polygons));
      step("models", this::models);
      step("data dictionary", () -> {
        List<DataDictionary.Entry> entries = DataDictionary.entries(lakehouse);
        Html.write(hadoop(), folder + "/" + DataDictionary.PAGE, DataDictionary.html(entries)
            .getBytes(StandardCharsets.UTF_8));
        return (long) entries.size();
      });
    } finally {
      panel.unpersist();
    }
    Html.write(hadoop(), folder + "/" + INDEX, Html.page("Homicides in Mexico: report",
        body.toString()).getBytes(StandardCharsets.UTF_8));
    String index = folder + "/" + INDEX;
    progress.printf("Report written to %s (%.1f s)%n", index, (System.nanoTime() - start) / 1e9);
    return index;
  }

  /** Runs one part of the report and prints its rows and time: reports take a while. */
  private void step(String name, Supplier<Long> part) {
    long start = System.nanoTime();
    long rows = part.get();
    progress.printf("  report: %s, %d rows (%.1f s)%n", name, rows,
        (System.nanoTime() - start) / 1e9);
  }

  private long national(Dataset<Row> panel) {
    Dataset<Row> counts = HomicideCounts.ofCubes(lakehouse.read(HomicideCounts.TABLE))
        .groupBy(HomicideCounts.YEAR).pivot(HomicideCounts.BASIS,
            List.of(HomicideCounts.REGISTRATION, HomicideCounts.OCCURRENCE))
        .agg(sum(org.violence.lakehouse.bronze.InegiCubeSource.HOMICIDES));
    Dataset<Row> national = counts.join(panel.groupBy(MunicipalityYearPanel.YEAR)
            .agg(totalPopulation()), HomicideCounts.YEAR)
        .withColumn(RATE_REGISTRATION, per100k(col(HomicideCounts.REGISTRATION)))
        .withColumn(RATE_OCCURRENCE, per100k(col(HomicideCounts.OCCURRENCE)))
        .orderBy(HomicideCounts.YEAR).persist();
    try {
      return nationalSection(national);
    } finally {
      national.unpersist();
    }
  }

  /** The chart, the table and the row count all read the one computed national series. */
  private long nationalSection(Dataset<Row> national) {
    List<Row> rows = national.selectExpr(HomicideCounts.YEAR, "stack(2, '"
        + HomicideCounts.REGISTRATION + "', " + RATE_REGISTRATION + ", '"
        + HomicideCounts.OCCURRENCE + "', " + RATE_OCCURRENCE + ") AS (basis, rate)")
        .collectAsList();
    figure(NATIONAL, Charts.png(new Charts.Spec(Charts.Kind.LINE,
        "Homicides in Mexico per 100,000 inhabitants", HomicideCounts.YEAR, "rate",
        HomicideCounts.BASIS, "Year", PER_100K), rows));
    body.append("<h2>National trend</h2>\n<p>All homicides INEGI counted, including deaths "
        + "abroad or in an unknown municipality, by year of <b>registration</b> and by year of "
        + "<b>occurrence</b> (recent occurrence years lack the deaths registered later), per "
        + "100,000 inhabitants of the panel's population.</p>\n");
    image(NATIONAL, "National homicide rate by year of registration and of occurrence");
    body.append(Html.table(national, 100));
    return national.count();
  }

  /** Homicides per 100,000 inhabitants, to two decimals as people read them. */
  private Column per100k(Column homicides) {
    return round(homicides.multiply(100_000.0).divide(col(Population.POPULATION)), 2);
  }

  /** Population summed over units: whole persons (interpolated years have fractions). */
  private static Column totalPopulation() {
    return round(sum(Population.POPULATION)).cast("long").as(Population.POPULATION);
  }

  private long states(Dataset<Row> panel, int lastYear) {
    Dataset<Row> states = panel.groupBy(Municipalities.STATE_CODE, Municipalities.STATE_NAME,
            MunicipalityYearPanel.YEAR)
        .agg(sum(MunicipalityYearPanel.HOMICIDES_REGISTRATION)
                .as(MunicipalityYearPanel.HOMICIDES_REGISTRATION),
            sum(MunicipalityYearPanel.HOMICIDES_OCCURRENCE)
                .as(MunicipalityYearPanel.HOMICIDES_OCCURRENCE),
            totalPopulation())
        .withColumn(RATE_REGISTRATION, per100k(col(MunicipalityYearPanel.HOMICIDES_REGISTRATION)))
        .withColumn(RATE_OCCURRENCE, per100k(col(MunicipalityYearPanel.HOMICIDES_OCCURRENCE)))
        .persist();
    try {
      body.append("<h2>States</h2>\n<p>Homicides in the municipalities of each state per "
          + "100,000 inhabitants (deaths with no municipality are not in the panel); the ")
          .append(STATES_SHOWN).append(" states with the highest rate in the last year of "
              + "each basis.</p>\n");
      stateChart(states, RATE_REGISTRATION, STATES_REGISTRATION, "year of registration");
      stateChart(states, RATE_OCCURRENCE, STATES_OCCURRENCE, "year of occurrence");
      Dataset<Row> last = states.where(col(MunicipalityYearPanel.YEAR).equalTo(lastYear))
          .orderBy(desc(RATE_REGISTRATION));
      body.append("<h3>States in ").append(lastYear).append("</h3>\n");
      // The occurrence exports end years before the registration ones: no empty columns.
      if (last.where(col(RATE_OCCURRENCE).isNotNull()).isEmpty()) {
        last = last.drop(MunicipalityYearPanel.HOMICIDES_OCCURRENCE, RATE_OCCURRENCE);
        body.append("<p class=\"note\">By year of registration only: the occurrence exports "
            + "do not cover ").append(lastYear).append(".</p>\n");
      }
      body.append(Html.table(last, 40));
      return states.count();
    } finally {
      states.unpersist();
    }
  }

  private void stateChart(Dataset<Row> states, String rate, String file, String basis) {
    Dataset<Row> observed = states.where(col(rate).isNotNull());
    Row latest = observed.agg(max(MunicipalityYearPanel.YEAR)).first();
    if (latest.isNullAt(0)) {
      body.append("<p class=\"note\">No homicides by ").append(basis)
          .append(" in these years.</p>\n");
      return;
    }
    List<String> top = observed.where(col(MunicipalityYearPanel.YEAR).equalTo(latest.getInt(0)))
        .orderBy(desc(rate)).limit(STATES_SHOWN).collectAsList().stream()
        .map(r -> r.<String>getAs(Municipalities.STATE_CODE)).toList();
    List<Row> rows = observed.where(col(Municipalities.STATE_CODE).isin(top.toArray()))
        .orderBy(Municipalities.STATE_NAME, MunicipalityYearPanel.YEAR).collectAsList();
    figure(file, Charts.png(new Charts.Spec(Charts.Kind.LINE, "Homicides per 100,000 by "
        + basis + ", states with the highest rates", MunicipalityYearPanel.YEAR, rate,
        Municipalities.STATE_NAME, "Year", PER_100K), rows));
    image(file, "State homicide rates by " + basis);
  }

  private long topMunicipalities(Dataset<Row> panel, int lastYear) {
    Dataset<Row> top = panel.where(col(MunicipalityYearPanel.YEAR).equalTo(lastYear)
            .and(col(MAPPED_RATE).isNotNull()))
        .orderBy(desc(MAPPED_RATE))
        .limit(TOP)
        .select(col(Municipalities.STABLE_CODE), col(Municipalities.MUNICIPALITY_NAME),
            col(Municipalities.STATE_NAME), col(Population.POPULATION),
            col(MunicipalityYearPanel.HOMICIDES_REGISTRATION),
            col(MunicipalityYearPanel.RATE_REGISTRATION), col(MAPPED_RATE));
    List<Row> rows = top.withColumn("label", org.apache.spark.sql.functions.concat_ws(", ",
        col(Municipalities.MUNICIPALITY_NAME), col(Municipalities.STATE_NAME))).collectAsList();
    figure(TOP_MUNICIPALITIES, Charts.png(new Charts.Spec(Charts.Kind.BAR, "Highest homicide "
        + "rates, " + lastYear + " (local empirical Bayes)", "label", MAPPED_RATE, null,
        "Municipality, state", PER_100K + " (empirical Bayes)"), rows));
    body.append("<h2>Municipalities with the highest rates, ").append(lastYear).append("</h2>\n")
        .append("<p>By year of registration, per 100,000 inhabitants, ranked by the local "
            + "empirical-Bayes rate (Marshall 1991): each raw rate shrunk towards the pooled "
            + "rate of the municipality and its neighbours, the more the smaller its population, "
            + "so that a single death in a tiny municipality does not top the list. The raw "
            + "rate is shown next to it.</p>\n");
    image(TOP_MUNICIPALITIES, "Municipalities with the highest homicide rates");
    body.append(Html.table(top, TOP));
    return rows.size();
  }

  private long rateMap(Dataset<Row> panel, int lastYear, String polygons) {
    Map<String, Double> rateOfUnit = new HashMap<>();
    panel.where(col(MunicipalityYearPanel.YEAR).equalTo(lastYear))
        .select(Municipalities.STABLE_CODE, MAPPED_RATE)
        .collectAsList().forEach(r -> rateOfUnit.put(r.getString(0),
            r.isNullAt(1) ? null : r.getDouble(1)));
    // Polygons are of today's municipalities; each takes the rate of its panel unit.
    Map<String, String> unitOf = new HashMap<>();
    lakehouse.read(Municipalities.TABLE)
        .select(Municipalities.MUNICIPALITY_CODE, Municipalities.STABLE_CODE).collectAsList()
        .forEach(r -> unitOf.put(r.getString(0), r.getString(1)));
    BufferedImage map = RouteMap.choropleth(polygons,
        code -> colourOf(rateOfUnit.get(unitOf.get(code))), MAP_WIDTH);
    // Short: a longer title runs over the Pacific coast.
    legend(map, "Homicides per 100,000, " + lastYear + " (EB)");
    figure(RATE_MAP, png(map));
    body.append("<h2>Municipal homicide rates, ").append(lastYear).append("</h2>\n<p>Each "
        + "municipality coloured by the local empirical-Bayes rate of its panel unit "
        + "(Marshall 1991: the raw rate shrunk towards its neighbourhood's, so that tiny "
        + "municipalities do not show 80 for one death; municipalities created after 1990 share "
        + "their ancestor's); grey: no rate.</p>\n");
    image(RATE_MAP, "Choropleth map of municipal homicide rates");
    return rateOfUnit.size();
  }

  /** The class colour of a rate: zero, then each break's upper bound, then the open class. */
  public static Color colourOf(Double rate) {
    if (rate == null) {
      return NO_DATA;
    }
    for (int i = 0; i < MAP_BREAKS.length; i++) {
      if (rate <= MAP_BREAKS[i]) {
        return MAP_COLOURS[i];
      }
    }
    return MAP_COLOURS[MAP_COLOURS.length - 1];
  }

  private static void legend(BufferedImage map, String title) {
    Graphics2D g = map.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    int size = map.getWidth() / 70;
    int x = map.getWidth() / 40;
    int y = map.getHeight() - (MAP_COLOURS.length + 3) * (size + 4);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
    g.setColor(Color.DARK_GRAY);
    g.drawString(title, x, y);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
    String[] labels = new String[MAP_COLOURS.length + 1];
    labels[0] = "0";
    for (int i = 1; i < MAP_BREAKS.length; i++) {
      labels[i] = "over " + (int) MAP_BREAKS[i - 1] + " to " + (int) MAP_BREAKS[i];
    }
    labels[MAP_BREAKS.length] = "over " + (int) MAP_BREAKS[MAP_BREAKS.length - 1];
    labels[MAP_COLOURS.length] = "no data";
    for (int i = 0; i < labels.length; i++) {
      int top = y + (i + 1) * (size + 4) - size + 4;
      g.setColor(i < MAP_COLOURS.length ? MAP_COLOURS[i] : NO_DATA);
      g.fillRect(x, top, size * 2, size);
      g.setColor(Color.DARK_GRAY);
      g.drawRect(x, top, size * 2, size);
      g.drawString(labels[i], x + size * 3, top + size - 2);
    }
    g.dispose();
  }

  private long routes(String polygons) {
    body.append("<h2>Predicted trafficking routes</h2>\n");
    if (!lakehouse.exists(TraffickingRoutes.ROUTES)) {
      body.append("<p class=\"note\">No routes in this lakehouse.</p>\n");
      return 0;
    }
    BufferedImage map = RouteMapCommand.draw(lakehouse, polygons);
    figure(ROUTES, png(map));
    body.append("<p>Least-cost routes of the baseline scenario (red, darker where routes "
        + "overlap) from producing municipalities (green) to US ports of entry (blue).</p>\n");
    image(ROUTES, "Predicted trafficking routes");
    return lakehouse.read(TraffickingRoutes.ROUTES)
        .where(col(TraffickingRoutes.SCENARIO).equalTo(lit(TraffickingRoutes.BASELINE))).count();
  }

  private long models() {
    body.append("<h2>Models</h2>\n");
    if (!lakehouse.exists(PanelModel.COEFFICIENTS)) {
      body.append("<p class=\"note\">No model has been fitted in this lakehouse.</p>\n");
      return 0;
    }
    Dataset<Row> runs = lakehouse.read(PanelModel.RUNS);
    Dataset<Row> coefficients = lakehouse.read(PanelModel.COEFFICIENTS)
        .orderBy(PanelModel.MODEL, PanelModel.TERM);
    List<Row> rows = coefficients.collectAsList();
    Map<String, String> familyOf = new HashMap<>();
    runs.select(PanelModel.MODEL, FAMILY).collectAsList()
        .forEach(run -> familyOf.put(run.getString(0), run.getString(1)));
    Map<String, List<Row>> byFamily = new java.util.TreeMap<>();
    rows.forEach(row -> byFamily.computeIfAbsent(familyOf.get(row.getString(0)),
        family -> new java.util.ArrayList<>()).add(row));
    byFamily.forEach((family, ofFamily) -> {
      figure(coefficientsOf(family), CoefficientPlot.acrossModels(family, ofFamily));
      image(coefficientsOf(family), "Coefficients across " + family + " models");
    });
    links(familyOf.keySet());
    body.append(Html.table(runs.select(PanelModel.MODEL, "formula", FAMILY, "vcov",
        "observations", "converged", "message"), 50));
    body.append(Html.table(coefficients.select(PanelModel.MODEL, PanelModel.TERM, "estimate",
        "std_error", "p_value", "ci_low", "ci_high"), 200));
    return rows.size();
  }

  /** The coefficient plot of the models of one family (gaussian, poisson...). */
  public static String coefficientsOf(String family) {
    return "coefficients_" + family + "_models.png";
  }

  /**
   * Links to what the model stage wrote beside the tables (the side-by-side table, one plot per
   * model), from wherever this report is written.
   */
  private void links(java.util.Collection<String> models) {
    String base = folder.equals(defaultFolder(lakehouse)) ? ""
        : defaultFolder(lakehouse) + "/";
    StringBuilder list = new StringBuilder();
    if (exists(hadoop(), defaultFolder(lakehouse) + "/" + ModelTable.HTML)) {
      list.append("<li><a href=\"").append(Html.escape(base + ModelTable.HTML))
          .append("\">All models side by side</a> (estimates, standard errors, fit)</li>");
    }
    for (String model : new java.util.TreeSet<>(models)) {
      link(list, base, ModelTable.plotName(model), model, "coefficient plot");
      link(list, base, ModelTable.eventStudyPlotName(model), model, "event study");
    }
    if (list.length() > 0) {
      body.append("<ul>").append(list).append("</ul>\n");
    }
  }

  /** A list item linking one of the model stage's plots, when that plot was written. */
  private void link(StringBuilder list, String base, String plot, String model, String what) {
    if (exists(hadoop(), defaultFolder(lakehouse) + "/" + plot)) {
      list.append("<li><a href=\"").append(Html.escape(base + plot)).append("\">")
          .append(Html.escape(model)).append("</a>: ").append(what).append("</li>");
    }
  }

  private static boolean exists(org.apache.hadoop.conf.Configuration hadoop, String file) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
    try {
      return path.getFileSystem(hadoop).exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for " + file, e);
    }
  }

  private void figure(String name, byte[] png) {
    Html.write(hadoop(), folder + "/" + name, png);
  }

  private void image(String name, String alt) {
    body.append("<img src=\"").append(name).append("\" alt=\"").append(Html.escape(alt))
        .append("\">\n");
  }

  private static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ImageIO.write(image, "png", bytes);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private org.apache.hadoop.conf.Configuration hadoop() {
    return lakehouse.spark().sparkContext().hadoopConfiguration();
  }
}
