package org.violence.lakehouse.analyst;

import org.violence.lakehouse.conf.UsageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * The analysts' SQL prompt over the registered lakehouse tables ({@link SqlCatalog}): runs
 * statements from a string, a file or an interactive session and prints each result as an
 * aligned table, CSV or JSON lines. A failing statement prints one line, {@code error: ...},
 * never a stack trace; in a session the prompt then simply comes back.
 */
final class SqlShell {
  static final String PROMPT = "lakehouse> ";
  static final String CONTINUATION = "        -> ";
  /** An aligned table needs every row in memory; beyond this, CSV or JSON stream them. */
  static final int MAX_TABLE_ROWS = 1000;

  /** How results are printed. */
  public enum Format {
    TABLE, CSV, JSON;

    public static Format named(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--format takes table, csv or json, not '" + name + "'");
      }
    }
  }

  private final SparkSession spark;
  private final Format format;
  private final PrintStream out;
  private final PrintStream errors;

  /**
   * Results go to {@code out}, failures to {@code errors}: piped CSV or JSON then holds rows
   * only, and a failure still reaches the terminal.
   */
  public SqlShell(SparkSession spark, Format format, PrintStream out, PrintStream errors) {
    this.spark = spark;
    this.format = format;
    this.out = out;
    this.errors = errors;
  }

  /** Runs the statements of a script in order, stopping at the first failure. */
  public boolean execute(String script) {
    Split split = split(script);
    List<String> statements = new ArrayList<>(split.statements());
    if (!split.rest().isBlank()) {
      statements.add(split.rest());
    }
    for (String statement : statements) {
      if (!run(statement)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The interactive session: statements end with {@code ;} and may span lines; {@code exit},
   * {@code quit} or end of input leave it.
   */
  public void interactive(BufferedReader in, String banner) {
    out.println(banner);
    out.println("End each statement with ';'. Try: SHOW TABLES IN gold; "
        + "DESCRIBE TABLE gold.municipality_year_panel; exit to leave.");
    StringBuilder pending = new StringBuilder();
    while (true) {
      out.print(pending.toString().isBlank() ? PROMPT : CONTINUATION);
      out.flush();
      String line = readLine(in);
      if (line == null) {
        out.println();
        break;
      }
      if (pending.toString().isBlank() && isExit(line)) {
        break;
      }
      pending.append(line).append('\n');
      Split split = split(pending.toString());
      split.statements().forEach(this::run);
      pending = new StringBuilder(split.rest());
    }
    out.println("Bye.");
  }

  private static boolean isExit(String line) {
    String word = line.trim().replaceAll(";$", "").toLowerCase(Locale.ROOT);
    return word.equals("exit") || word.equals("quit") || word.equals("\\q");
  }

  private static String readLine(BufferedReader in) {
    try {
      return in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the SQL prompt's input", e);
    }
  }

  /** Runs one statement and prints its result or one line of error. */
  boolean run(String statement) {
    long start = System.nanoTime();
    try {
      spark.sparkContext().setJobDescription("sql: " + statement.strip());
      Dataset<Row> result = spark.sql(statement);
      if (result.columns().length == 0) {
        out.println("OK");
        return true;
      }
      switch (format) {
        case TABLE -> printTable(result, (System.nanoTime() - start) / 1e9);
        case CSV -> printCsv(result);
        case JSON -> result.toJSON().toLocalIterator().forEachRemaining(out::println);
        default -> throw new IllegalStateException(format.name());
      }
      return true;
    } catch (Exception e) {
      errors.println("error: " + oneLine(e));
      return false;
    }
  }

  /** The first meaningful line of Spark's message: parse errors start with a blank line. */
  static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return message.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst()
        .orElse(e.getClass().getSimpleName());
  }

  private void printTable(Dataset<Row> result, double seconds) {
    StructField[] fields = result.schema().fields();
    List<Row> rows = asText(result).limit(MAX_TABLE_ROWS + 1).collectAsList();
    boolean truncated = rows.size() > MAX_TABLE_ROWS;
    rows = rows.subList(0, Math.min(rows.size(), MAX_TABLE_ROWS));
    int[] widths = new int[fields.length];
    for (int c = 0; c < fields.length; c++) {
      widths[c] = fields[c].name().length();
      for (Row row : rows) {
        widths[c] = Math.max(widths[c], cell(row, c).length());
      }
    }
    StringBuilder header = new StringBuilder();
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < fields.length; c++) {
      header.append(c == 0 ? "" : " | ").append(pad(fields[c].name(), widths[c], false));
      rule.append(c == 0 ? "" : "-+-").append("-".repeat(widths[c]));
    }
    out.println(header.toString().stripTrailing());
    out.println(rule);
    for (Row row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < fields.length; c++) {
        line.append(c == 0 ? "" : " | ").append(pad(cell(row, c), widths[c],
            fields[c].dataType() instanceof NumericType));
      }
      out.println(line.toString().stripTrailing());
    }
    out.printf(Locale.ROOT, "(%d row%s%s, %.2f s)%n", rows.size(), rows.size() == 1 ? "" : "s",
        truncated ? "; only the first " + MAX_TABLE_ROWS + " shown, use --format csv for all"
            : "", seconds);
  }

  private void printCsv(Dataset<Row> result) {
    try {
      CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
          .setHeader(result.columns()).setRecordSeparator('\n').build());
      Iterator<Row> rows = asText(result).toLocalIterator();
      while (rows.hasNext()) {
        Row row = rows.next();
        List<String> values = new ArrayList<>(row.size());
        for (int c = 0; c < row.size(); c++) {
          values.add(row.isNullAt(c) ? "" : row.getString(c));
        }
        csv.printRecord(values);
      }
      csv.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every column as Spark writes it as text (arrays as [a, b], full double precision). */
  static Dataset<Row> asText(Dataset<Row> result) {
    Column[] columns = new Column[result.columns().length];
    for (int c = 0; c < columns.length; c++) {
      columns[c] = result.col(result.columns()[c]).cast("string");
    }
    return result.select(columns);
  }

  private static String cell(Row row, int column) {
    return row.isNullAt(column) ? "NULL" : row.getString(column);
  }

  private static String pad(String text, int width, boolean right) {
    String space = " ".repeat(width - text.length());
    return right ? space + text : text + space;
  }

  /** Statements ended by {@code ;} outside quotes and comments, and the unfinished rest. */
  record Split(List<String> statements, String rest) {}

  static Split split(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    char quote = 0;
    boolean comment = false;
    for (int i = 0; i < script.length(); i++) {
      char c = script.charAt(i);
      if (comment) {
        comment = c != '\n';
      } else if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == '-' && i + 1 < script.length() && script.charAt(i + 1) == '-') {
        comment = true;
      } else if (c == ';') {
        if (!withoutComments(current.toString()).isBlank()) {
          statements.add(current.toString().strip());
        }
        current = new StringBuilder();
        continue;
      }
      current.append(c);
    }
    String rest = withoutComments(current.toString()).isBlank() ? "" : current.toString();
    return new Split(statements, rest);
  }

  private static String withoutComments(String text) {
    return text.replaceAll("--[^\n]*", "");
  }
}
