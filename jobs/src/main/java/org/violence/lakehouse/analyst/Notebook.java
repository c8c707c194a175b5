package org.violence.lakehouse.analyst;

import org.violence.lakehouse.conf.UsageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A notebook in Databricks' source format for SQL: a {@code -- Databricks notebook source}
 * first line, cells separated by {@code -- COMMAND ----------}, Markdown cells written as
 * {@code -- MAGIC %md} lines. Such a file imports unchanged into a Databricks or Spark
 * workspace. A SQL cell may ask for a chart of its result with a comment Databricks ignores:
 * {@code -- chart: line x=year y=homicide_rate series=state_name title="..." ylabel="..."}
 * ({@code xlabel}, {@code ylabel}: axis titles; the column names by default).
 *
 * <p>Parameters use Databricks' widgets: a statement {@code CREATE WIDGET TEXT first_year DEFAULT
 * "1990"} declares one with its default, and statements read it as a named parameter marker,
 * {@code WHERE year >= :first_year}, which Spark binds as a literal (never pasted into the SQL
 * text). The runner takes the declarations out and binds the values.
 */
record Notebook(String name, List<Cell> cells, Map<String, String> widgets) {
  public static final String HEADER = "-- Databricks notebook source";
  public static final String SEPARATOR = "-- COMMAND ----------";
  static final String MAGIC = "-- MAGIC";
  static final String CHART = "-- chart:";
  private static final Pattern OPTION = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");
  /** Databricks' widget declaration: a text box or a list, its name and its default. */
  private static final Pattern WIDGET = Pattern.compile("(?is)\\s*CREATE\\s+WIDGET\\s+"
      + "(?:TEXT|DROPDOWN|COMBOBOX|MULTISELECT)\\s+(\\w+)\\s+DEFAULT\\s+(?:\"([^\"]*)\"|'([^']*)')"
      + ".*");

  /** A Markdown cell's text, or a SQL cell's statements and the chart it asks for (or null). */
  public record Cell(boolean markdown, String text, Charts.Spec chart, int line) {}

  /** The notebooks of a folder ({@code *.sql}), by name. */
  public static List<java.nio.file.Path> in(java.nio.file.Path folder) {
    try (var files = java.nio.file.Files.list(folder)) {
      return files.filter(f -> f.toString().endsWith(".sql")).sorted().toList();
    } catch (java.io.IOException e) {
      throw new UsageException("cannot list the notebooks in " + folder + ": " + e);
    }
  }

  public static Notebook parse(String name, String source) {
    List<String> lines = source.lines().toList();
    if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
      throw new UsageException("notebook " + name + " does not start with '" + HEADER
          + "' (Databricks source format)");
    }
    List<Cell> cells = new ArrayList<>();
    List<String> current = new ArrayList<>();
    int start = 2;
    for (int i = 1; i <= lines.size(); i++) {
      if (i == lines.size() || lines.get(i).strip().equals(SEPARATOR)) {
        cell(name, current, start).ifPresent(cells::add);
        current = new ArrayList<>();
        start = i + 2;
      } else {
        current.add(lines.get(i));
      }
    }
    Map<String, String> widgets = new java.util.LinkedHashMap<>();
    List<Cell> withoutWidgets = new ArrayList<>();
    for (Cell cell : cells) {
      if (cell.markdown()) {
        withoutWidgets.add(cell);
        continue;
      }
      List<String> statements = new ArrayList<>();
      for (String statement : SqlShell.split(cell.text() + ";").statements()) {
        Matcher widget = WIDGET.matcher(statement.replaceAll("(?m)^\\s*--.*$", ""));
        if (widget.matches()) {
          widgets.put(widget.group(1), widget.group(2) != null ? widget.group(2)
              : widget.group(3));
        } else {
          statements.add(statement);
        }
      }
      if (!statements.isEmpty()) {
        withoutWidgets.add(new Cell(false, String.join(";\n", statements), cell.chart(),
            cell.line()));
      }
    }
    return new Notebook(name, List.copyOf(withoutWidgets), Map.copyOf(widgets));
  }

  /**
   * The widgets' values: their defaults, overridden by {@code given} ({@code --params
   * first_year=2000,last_year=2010}); a value for a widget the notebook does not declare is a
   * usage error, since it would silently change nothing.
   */
  Map<String, String> parameters(Map<String, String> given) {
    for (String key : given.keySet()) {
      if (!widgets.containsKey(key)) {
        throw new UsageException("notebook " + name + " has no parameter '" + key
            + "'; its parameters are " + (widgets.isEmpty() ? "none" : widgets.keySet()));
      }
    }
    Map<String, String> values = new java.util.TreeMap<>(widgets);
    values.putAll(given);
    return values;
  }

  private static java.util.Optional<Cell> cell(String name, List<String> lines, int line) {
    String text = String.join("\n", lines).strip();
    if (text.isEmpty()) {
      return java.util.Optional.empty();
    }
    if (text.startsWith(MAGIC)) {
      StringBuilder markdown = new StringBuilder();
      for (String l : lines) {
        String content = l.startsWith(MAGIC) ? l.substring(MAGIC.length()) : l;
        content = content.startsWith(" ") ? content.substring(1) : content;
        if (!content.strip().equals("%md")) {
          markdown.append(content).append('\n');
        }
      }
      return java.util.Optional.of(new Cell(true, markdown.toString(), null, line));
    }
    Charts.Spec chart = null;
    for (String l : lines) {
      if (l.strip().startsWith(CHART)) {
        chart = chart(name, l.strip().substring(CHART.length()), line);
      }
    }
    return java.util.Optional.of(new Cell(false, text, chart, line));
  }

  private static Charts.Spec chart(String name, String text, int line) {
    String[] words = text.strip().split("\\s+", 2);
    Map<String, String> options = new HashMap<>();
    Matcher matcher = OPTION.matcher(words.length > 1 ? words[1] : "");
    while (matcher.find()) {
      options.put(matcher.group(1), matcher.group(2).replace("\"", ""));
    }
    Charts.Kind kind;
    try {
      kind = Charts.Kind.valueOf(words[0].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("notebook " + name + ", cell at line " + line
          + ": chart kind '" + words[0] + "' is not line, scatter or bar");
    }
    if (!options.containsKey("x") || !options.containsKey("y")) {
      throw new UsageException("notebook " + name + ", cell at line " + line
          + ": a chart needs x=COLUMN and y=COLUMN");
    }
    return new Charts.Spec(kind, options.getOrDefault("title", options.get("y") + " by "
        + options.get("x")), options.get("x"), options.get("y"), options.get("series"),
        options.getOrDefault("xlabel", options.get("x")),
        options.getOrDefault("ylabel", options.get("y")));
  }
}
