package org.violence.lakehouse.analyst;

import org.violence.lakehouse.conf.UsageException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.routes.RouteExposure;

/** Every shipped notebook runs against the small real run and its page holds its results. */
class NotebookRunnerTest extends LakehouseTestBase {
  private final Map<String, String> pages = new LinkedHashMap<>();
  private final Map<String, Notebook> notebooks = new LinkedHashMap<>();
  private String progress;

  @BeforeAll
  void runEveryNotebook() {
    SqlCatalog.register(smallRun().lakehouse());
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    NotebookRunner runner = new NotebookRunner(spark(), new PrintStream(log, true,
        StandardCharsets.UTF_8));
    for (Path file : Notebook.in(projectDir().resolve(AnalystCommands.NOTEBOOKS))) {
      Notebook notebook = Notebook.parse(file.getFileName().toString(),
          AnalystCommands.read(file));
      notebooks.put(notebook.name(), notebook);
      pages.put(notebook.name(), runner.render(notebook));
    }
    progress = log.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyNotebookRendersATablePerSqlCellAndAChartPerChartLine() {
    Assertions.assertTrue(notebooks.keySet().containsAll(List.of("homicide_trends_by_state.sql",
        "gini_vs_homicide_rate.sql", "route_exposure_vs_violence.sql",
        "latest_model_results.sql")), notebooks.keySet().toString());
    notebooks.forEach((name, notebook) -> {
      String html = pages.get(name);
      long sqlCells = notebook.cells().stream().filter(c -> !c.markdown()).count();
      long charts = notebook.cells().stream().filter(c -> c.chart() != null).count();
      assertEquals(sqlCells, count(html, "<table>"), name);
      assertEquals(charts, count(html, "<img alt="), name);
      Assertions.assertTrue(html.contains("<h1>"), name + ": the Markdown title is rendered");
      Assertions.assertTrue(progress.contains("notebook " + name + ": " + notebook.cells().size()
          + " cells in"), progress);
    });
  }

  @Test
  void trendsShowInegisPublishedNationalTotals() {
    String html = pages.get("homicide_trends_by_state.sql");
    SqlShellTest.INEGI_PUBLISHED.forEach((year, homicides) -> Assertions.assertTrue(html.contains(
        "<tr><td class=\"num\">" + year + "</td><td>registration</td><td class=\"num\">"
            + homicides + "</td></tr>"), year + " in " + html));
  }

  @Test
  void routeExposureRatesMatchTheSameSumsMadeWithTheDataFrameApi() {
    List<Row> byExposure = smallRun().lakehouse().read(MunicipalityYearPanel.TABLE)
        .groupBy(coalesce(col(RouteExposure.ON_ROUTE), lit(false)).as("on_route"))
        .agg(sum(MunicipalityYearPanel.HOMICIDES_REGISTRATION).as("h"),
            sum("population").as("p"))
        .collectAsList();
    String html = pages.get("route_exposure_vs_violence.sql");
    for (Row row : byExposure) {
      String label = row.getBoolean(0) ? "on a route" : "off routes";
      long homicides = row.getLong(1);
      // As Spark's ROUND(double, 2): half up on the double's decimal text.
      double rate = BigDecimal.valueOf(homicides * 100000.0 / row.getDouble(2))
          .setScale(2, RoundingMode.HALF_UP).doubleValue();
      Pattern cells = Pattern.compile("<td>" + label + "</td><td class=\"num\">\\d+</td>"
          + "<td class=\"num\">" + homicides + "</td><td class=\"num\">[^<]+</td>"
          + "<td class=\"num\">" + Pattern.quote(Double.toString(rate)) + "</td>");
      Assertions.assertTrue(cells.matcher(html).find(), label + ": " + homicides + ", " + rate);
    }
  }

  @Test
  void modelNotebookListsEveryConfiguredModel() {
    String html = pages.get("latest_model_results.sql");
    smallRun().config().models().forEach(spec -> Assertions.assertTrue(
        html.contains("<td>" + spec.name() + "</td>"), spec.name()));
  }

  @Test
  void badNotebooksAreRefusedWithTheirLine() {
    UsageException header = assertThrows(UsageException.class,
        () -> Notebook.parse("x.sql", "SELECT 1"));
    Assertions.assertTrue(header.getMessage().contains("Databricks notebook source"),
        header.getMessage());
    UsageException chart = assertThrows(UsageException.class,
        () -> Notebook.parse("x.sql", Notebook.HEADER + "\n-- chart: pie x=a y=b\nSELECT 1"));
    Assertions.assertTrue(chart.getMessage().contains("line 2")
        && chart.getMessage().contains("pie"), chart.getMessage());
    Notebook failing = Notebook.parse("y.sql", Notebook.HEADER + "\nSELECT 1\n"
        + Notebook.SEPARATOR + "\nSELECT * FROM gold.missing_table");
    UsageException error = assertThrows(UsageException.class,
        () -> new NotebookRunner(spark(), new PrintStream(new ByteArrayOutputStream()))
            .render(failing));
    Assertions.assertTrue(error.getMessage().startsWith("notebook y.sql, cell at line 4: "
        + "[TABLE_OR_VIEW_NOT_FOUND]"), error.getMessage());
  }

  @Test
  void widgetsTakeValuesFromTheCommandLineAndChartsComeBeforeTheirTables() {
    Notebook trends = notebooks.get("homicide_trends_by_state.sql");
    assertEquals(Map.of("first_year", "1990", "last_year", "2015"), trends.widgets());
    String only2010 = new NotebookRunner(spark(), new PrintStream(new ByteArrayOutputStream()))
        .render(trends, Map.of("first_year", "2010", "last_year", "2010"));
    Assertions.assertTrue(only2010.contains("Parameters: first_year=2010, last_year=2010"),
        only2010);
    Assertions.assertTrue(only2010.contains("<tr><td class=\"num\">2010</td><td>registration"
        + "</td><td class=\"num\">" + SqlShellTest.INEGI_PUBLISHED.get(2010) + "</td></tr>"),
        only2010);
    assertFalse(only2010.contains("<tr><td class=\"num\">2009</td><td>registration"), only2010);

    // The first SQL cell of each charted notebook: its chart, then its table.
    for (String name : List.of("homicide_trends_by_state.sql", "route_exposure_vs_violence.sql")) {
      String html = pages.get(name);
      int code = html.indexOf("<pre><code>-- chart:");
      Assertions.assertTrue(code >= 0 && html.indexOf("<img alt=", code)
          < html.indexOf("<table>", code), name);
    }

    UsageException unknown = assertThrows(UsageException.class,
        () -> trends.parameters(Map.of("frist_year", "2000")));
    Assertions.assertTrue(unknown.getMessage().contains("frist_year")
        && unknown.getMessage().contains("first_year"), unknown.getMessage());
    Notebook unbound = Notebook.parse("z.sql", Notebook.HEADER + "\nSELECT :state AS s");
    UsageException missing = assertThrows(UsageException.class,
        () -> new NotebookRunner(spark(), new PrintStream(new ByteArrayOutputStream()))
            .render(unbound));
    Assertions.assertTrue(missing.getMessage().contains(":state has no value"),
        missing.getMessage());
  }

  private static long count(String text, String part) {
    return (text.length() - text.replace(part, "").length()) / part.length();
  }
}
