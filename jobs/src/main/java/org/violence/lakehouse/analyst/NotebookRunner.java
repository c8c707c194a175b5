package org.violence.lakehouse.analyst;

import org.violence.lakehouse.conf.UsageException;
import org.violence.lakehouse.io.SparkSessions;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Executes a {@link Notebook} against the registered lakehouse tables and renders one HTML page:
 * Markdown cells as text, each SQL cell's code, its result table and, when asked for, its chart
 * (inline, so the page is one file). A failing cell stops the run with its line and Spark's one
 * line of error: a notebook that half-runs would publish half-true pages.
 */
final class NotebookRunner {
  /** A named parameter marker: a colon and a name, not part of a {@code ::} cast. */
  private static final Pattern MARKER = Pattern.compile("(?<![:\\w]):([A-Za-z_]\\w*)");
  /** Rows of a result shown on the page; the query runs in full regardless. */
  static final int SHOWN_ROWS = 200;

  private final SparkSession spark;
  private final PrintStream progress;

  public NotebookRunner(SparkSession spark, PrintStream progress) {
    this.spark = spark;
    this.progress = progress;
  }

  /** The notebook with its widgets' defaults. */
  public String render(Notebook notebook) {
    return render(notebook, Map.of());
  }

  /** The notebook with the given widget values ({@link Notebook#parameters}). */
  public String render(Notebook notebook, Map<String, String> given) {
    Map<String, String> parameters = notebook.parameters(given);
    Parser markdown = Parser.builder().build();
    HtmlRenderer renderer = HtmlRenderer.builder().escapeHtml(true).build();
    StringBuilder body = new StringBuilder();
    long notebookStart = System.nanoTime();
    List<Notebook.Cell> cells = notebook.cells();
    if (!parameters.isEmpty()) {
      body.append("<p class=\"parameters\">Parameters: ").append(Html.escape(
          parameters.toString().replaceAll("[{}]", ""))).append("</p>\n");
    }
    for (int i = 0; i < cells.size(); i++) {
      Notebook.Cell cell = cells.get(i);
      if (cell.markdown()) {
        body.append(renderer.render(markdown.parse(cell.text())));
        continue;
      }
      long start = System.nanoTime();
      body.append("<pre><code>").append(Html.escape(cell.text())).append("</code></pre>\n");
      Dataset<Row> result = run(notebook, cell, parameters);
      if (result.columns().length > 0) {
        try {
          List<Row> rows = result.collectAsList();
          // The chart first: a 200-row table above it would hide it below the fold.
          if (cell.chart() != null) {
            body.append(Html.inlineImage(Charts.png(cell.chart(), rows),
                cell.chart().title()));
          }
          body.append(Html.table(result, SHOWN_ROWS));
          progress.printf("  notebook %s: cell %d/%d, %d rows (%.1f s)%n", notebook.name(),
              i + 1, cells.size(), rows.size(), (System.nanoTime() - start) / 1e9);
        } finally {
          result.unpersist();
        }
      }
    }
    progress.printf("  notebook %s: %d cells in %.1f s%n", notebook.name(), cells.size(),
        (System.nanoTime() - notebookStart) / 1e9);
    return Html.page(notebook.name(), body.toString());
  }

  /**
   * Runs the cell's statements, each with the parameters it names bound to its {@code :name}
   * markers; the result of the last is computed once and kept.
   */
  private Dataset<Row> run(Notebook notebook, Notebook.Cell cell,
      Map<String, String> parameters) {
    try {
      return SparkSessions.describingJobs(spark, "notebook " + notebook.name() + ", line "
          + cell.line(), () -> {
            Dataset<Row> result = null;
            for (String statement : SqlShell.split(cell.text() + ";").statements()) {
              result = spark.sql(statement, markers(statement, parameters));
            }
            if (result == null) {
              throw new IllegalArgumentException("the cell has no SQL statement");
            }
            result.persist().count();
            return result;
          });
    } catch (Exception e) {
      throw new UsageException("notebook " + notebook.name() + ", cell at line "
          + cell.line() + ": " + SqlShell.oneLine(e));
    }
  }

  /**
   * The values of the markers a statement names, as numbers where they read as numbers (a
   * year compares with a year, not with text); a marker without a value is an error here,
   * with its name, rather than Spark's unbound-parameter message.
   */
  static Map<String, Object> markers(String statement, Map<String, String> parameters) {
    Map<String, Object> bound = new HashMap<>();
    Matcher marker = MARKER.matcher(statement.replaceAll("'[^']*'", "''"));
    while (marker.find()) {
      String name = marker.group(1);
      String value = parameters.get(name);
      if (value == null) {
        throw new IllegalArgumentException("the parameter :" + name + " has no value: declare "
            + "it with CREATE WIDGET TEXT " + name + " DEFAULT \"...\" or give --params "
            + name + "=...");
      }
      bound.put(name, value.matches("-?\\d{1,18}") ? (Object) Long.parseLong(value)
          : value.matches("-?\\d*\\.\\d+([eE]-?\\d+)?") ? (Object) Double.parseDouble(value)
          : value);
    }
    return bound;
  }
}
