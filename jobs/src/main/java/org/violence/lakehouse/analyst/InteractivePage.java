package org.violence.lakehouse.analyst;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.gold.SpatialFeatures;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * The report's interactive page: the municipal map of homicide rates with zoom, pan and a
 * tooltip per municipality, a year selector that redraws it, and the state table of the chosen
 * year, with each table downloadable as CSV. It is drawn by ECharts, which the build takes from
 * Maven (the {@code org.webjars.npm:echarts} webjar) and the report copies beside the page, so
 * the page fetches nothing when it is opened, from a file or a server.
 *
 * <p>The page ({@code interactive.html}, a resource next to this class) is static; what changes
 * with the lakehouse is one script of data ({@value #DATA}): the polygons, and for each year
 * each panel unit's rate, homicides and population. Rates are the local empirical-Bayes ones
 * (as on the static map), so one death in a municipality of 1,200 does not paint it as the
 * most violent of the country; the raw rate is in the tooltip and the CSV.
 */
final class InteractivePage {
  static final String PAGE = "interactive.html";
  static final String DATA = "interactive-data.js";
  static final String ECHARTS = "echarts.min.js";
  static final String STATE_CSV = "state_year_rates.csv";
  static final String MUNICIPALITY_CSV = "municipality_year_rates.csv";
  private static final String WEBJAR = "org.webjars.npm/echarts";
  private static final ObjectMapper JSON = new ObjectMapper();

  private InteractivePage() {}

  /**
   * Writes the page, its data script, ECharts and the two CSV files into {@code folder};
   * returns the number of municipality-years on the page.
   */
  static long write(Lakehouse lakehouse, Dataset<Row> panel, String polygons, String folder) {
    Configuration hadoop = lakehouse.spark().sparkContext().hadoopConfiguration();
    Dataset<Row> municipalityYears = panel.select(col(Municipalities.STABLE_CODE),
        col(Municipalities.MUNICIPALITY_NAME), col(Municipalities.STATE_NAME),
        col(MunicipalityYearPanel.YEAR), col(MunicipalityYearPanel.HOMICIDES_REGISTRATION),
        col(Population.POPULATION), col(MunicipalityYearPanel.RATE_REGISTRATION),
        col(SpatialFeatures.EB_LOCAL))
        .orderBy(MunicipalityYearPanel.YEAR, Municipalities.STABLE_CODE);
    Dataset<Row> stateYears = panel.groupBy(col(Municipalities.STATE_CODE),
            col(Municipalities.STATE_NAME), col(MunicipalityYearPanel.YEAR))
        .agg(sum(MunicipalityYearPanel.HOMICIDES_REGISTRATION)
                .as(MunicipalityYearPanel.HOMICIDES_REGISTRATION),
            sum(Population.POPULATION).as(Population.POPULATION))
        .withColumn(MunicipalityYearPanel.RATE_REGISTRATION,
            col(MunicipalityYearPanel.HOMICIDES_REGISTRATION).multiply(100_000.0)
                .divide(col(Population.POPULATION)))
        .orderBy(MunicipalityYearPanel.YEAR, Municipalities.STATE_CODE);
    List<Row> units = municipalityYears.collectAsList();
    List<Row> states = stateYears.collectAsList();
    List<Row> unitOfPolygon = lakehouse.read(Municipalities.TABLE)
        .select(Municipalities.MUNICIPALITY_CODE, Municipalities.STABLE_CODE).collectAsList();

    StringBuilder script = new StringBuilder("window.LAKEHOUSE = ")
        .append(data(units, states, unitOfPolygon).toString())
        .append(";\nwindow.LAKEHOUSE.polygons = ").append(polygons).append(";\n");
    Html.write(hadoop, folder + "/" + DATA, script.toString().getBytes(StandardCharsets.UTF_8));
    Html.write(hadoop, folder + "/" + ECHARTS, echarts());
    Html.write(hadoop, folder + "/" + PAGE, resource(PAGE));
    // The downloads: the same rows as the page, every year, full precision.
    TableExport.csv(hadoop, folder + "/" + MUNICIPALITY_CSV, municipalityYears);
    TableExport.csv(hadoop, folder + "/" + STATE_CSV, stateYears);
    return units.size();
  }

  /**
   * {@code years}; {@code units}: name and state of each panel unit; {@code unitOf}: the unit
   * of each polygon (today's municipalities); {@code rates[year][unit]}: [EB rate, raw rate,
   * homicides, population]; {@code states[year]}: [code, name, homicides, population, rate].
   */
  private static ObjectNode data(List<Row> units, List<Row> states, List<Row> unitOfPolygon) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode names = root.putObject("units");
    ObjectNode rates = root.putObject("rates");
    ArrayNode years = root.putArray("years");
    for (Row row : units) {
      String unit = row.getString(0);
      names.putArray(unit).add(row.getString(1)).add(row.getString(2));
      String year = Integer.toString(row.getInt(3));
      if (!rates.has(year)) {
        years.add(row.getInt(3));
      }
      ObjectNode ofYear = rates.has(year) ? (ObjectNode) rates.get(year) : rates.putObject(year);
      ArrayNode values = ofYear.putArray(unit);
      add(values, row, 7);
      add(values, row, 6);
      add(values, row, 4);
      add(values, row, 5);
    }
    ObjectNode unitOf = root.putObject("unitOf");
    unitOfPolygon.forEach(row -> unitOf.put(row.getString(0), row.getString(1)));
    ObjectNode byYear = root.putObject("states");
    for (Row row : states) {
      String year = Integer.toString(row.getInt(2));
      ArrayNode ofYear = byYear.has(year) ? (ArrayNode) byYear.get(year) : byYear.putArray(year);
      ArrayNode values = ofYear.addArray().add(row.getString(0)).add(row.getString(1));
      add(values, row, 3);
      add(values, row, 4);
      add(values, row, 5);
    }
    ArrayNode breaks = root.putArray("breaks");
    for (double limit : Report.MAP_BREAKS) {
      breaks.add(limit);
    }
    ArrayNode colours = root.putArray("colours");
    for (java.awt.Color colour : Report.MAP_COLOURS) {
      colours.add(String.format("#%06X", colour.getRGB() & 0xFFFFFF));
    }
    root.put("noData", String.format("#%06X", Report.NO_DATA.getRGB() & 0xFFFFFF));
    return root;
  }

  private static void add(ArrayNode values, Row row, int column) {
    if (row.isNullAt(column)) {
      values.addNull();
    } else if (row.get(column) instanceof Long count) {
      values.add(count);
    } else {
      values.add(((Number) row.get(column)).doubleValue());
    }
  }

  /** ECharts as the webjar on the classpath carries it, found by the version Maven put there. */
  private static byte[] echarts() {
    Properties maven = new Properties();
    try (InputStream in = stream("/META-INF/maven/" + WEBJAR + "/pom.properties")) {
      maven.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the ECharts webjar's version", e);
    }
    return bytes(stream("/META-INF/resources/webjars/echarts/" + maven.getProperty("version")
        + "/dist/" + ECHARTS));
  }

  private static byte[] resource(String name) {
    return bytes(stream(name));
  }

  private static InputStream stream(String name) {
    InputStream in = InteractivePage.class.getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(name + " is not on the classpath: the build packs it");
    }
    return in;
  }

  private static byte[] bytes(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a resource of the interactive page", e);
    }
  }
}
