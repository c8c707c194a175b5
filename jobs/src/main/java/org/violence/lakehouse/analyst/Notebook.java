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
 * {@code -- chart: line x=year y=homicide_rate series=state_name title="..."}.
 */
record Notebook(String name, List<Cell> cells) {
  public static final String HEADER = "-- Databricks notebook source";
  public static final String SEPARATOR = "-- COMMAND ----------";
  static final String MAGIC = "-- MAGIC";
  static final String CHART = "-- chart:";
  private static final Pattern OPTION = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");

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
    return new Notebook(name, List.copyOf(cells));
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
        + options.get("x")), options.get("x"), options.get("y"), options.get("series"));
  }
}
