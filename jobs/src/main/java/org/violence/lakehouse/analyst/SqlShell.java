package org.violence.lakehouse.analyst;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.violence.lakehouse.conf.UsageException;
import scala.Option;

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
  /** Longer cells (Delta's fingerprints in DESCRIBE HISTORY) are cut in the aligned view. */
  static final int MAX_CELL = 60;

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
  private final String jobGroup = "sql-shell-" + UUID.randomUUID();
  /** Set by Ctrl-C, which arrives on the terminal's signal thread. */
  private volatile boolean cancelled;

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
   * The interactive session on {@code reader}'s terminal: statements end with {@code ;} and may
   * span lines; {@code exit}, {@code quit} or Ctrl-D leave it. The reader brings history, line
   * editing and completion; Ctrl-C at the prompt drops the statement being typed, and while a
   * statement runs it cancels that statement's Spark jobs and the prompt comes back.
   */
  public void interactive(LineReader reader, String banner) {
    out.println(banner);
    out.println("End each statement with ';'. Try: SHOW TABLES IN gold; "
        + "DESCRIBE TABLE gold.municipality_year_panel; Tab completes names; exit to leave.");
    // The reader takes Ctrl-C over while it reads a line; between lines it comes here.
    reader.getTerminal().handle(Terminal.Signal.INT, signal -> {
      cancelled = true;
      spark.sparkContext().cancelJobGroup(jobGroup);
    });
    StringBuilder pending = new StringBuilder();
    while (true) {
      String line;
      try {
        line = reader.readLine(pending.toString().isBlank() ? PROMPT : CONTINUATION);
      } catch (UserInterruptException typing) {
        pending = new StringBuilder();
        continue;
      } catch (EndOfFileException end) {
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

  /**
   * What Tab completes: the tables' qualified names, their columns, and the SQL words analysts
   * type most, from the session's catalog as {@link SqlCatalog} filled it.
   */
  static List<String> completions(SparkSession spark, List<String> tables) {
    SortedSet<String> words = new TreeSet<>(List.of("SELECT", "FROM", "WHERE", "GROUP BY",
        "ORDER BY", "HAVING", "LIMIT", "JOIN", "LEFT JOIN", "ON", "AS", "AND", "OR", "NOT",
        "DISTINCT", "COUNT", "SUM", "AVG", "MIN", "MAX", "CASE", "WHEN", "THEN", "ELSE", "END",
        "DESC", "DESCRIBE", "HISTORY", "SHOW TABLES IN", "VERSION AS OF", "TIMESTAMP AS OF",
        "WITH", "UNION ALL", "IS NULL", "IS NOT NULL", "BETWEEN", "IN"));
    for (String table : tables) {
      String database = table.substring(0, table.indexOf('.'));
      words.add(table);
      words.add(database);
      // From the catalog entry, which carries the columns: no table is read for this.
      try {
        for (StructField column : spark.sessionState().catalog().getTableMetadata(
            new TableIdentifier(table.substring(database.length() + 1), Option.apply(database)))
            .schema().fields()) {
          words.add(column.name());
        }
      } catch (AnalysisException e) {
        throw new IllegalStateException("registered a moment ago, gone now: " + table, e);
      }
    }
    return new ArrayList<>(words);
  }

  private static boolean isExit(String line) {
    String word = line.trim().replaceAll(";$", "").toLowerCase(Locale.ROOT);
    return word.equals("exit") || word.equals("quit") || word.equals("\\q");
  }

  /** Runs one statement and prints its result or one line of error. */
  boolean run(String statement) {
    long start = System.nanoTime();
    cancelled = false;
    try {
      // A group of this thread's jobs, so that Ctrl-C cancels this statement and nothing else.
      spark.sparkContext().setJobGroup(jobGroup, "sql: " + statement.strip(), true);
      Dataset<Row> result = spark.sql(statement);
      if (result.columns().length == 0) {
        out.println("OK");
        return true;
      }
      switch (format) {
        case TABLE -> printTable(result, start);
        case CSV -> printCsv(result);
        case JSON -> result.toJSON().toLocalIterator().forEachRemaining(out::println);
        default -> throw new IllegalStateException(format.name());
      }
      return true;
    } catch (Exception e) {
      errors.println(cancelled ? "cancelled (Ctrl-C)" : "error: " + oneLine(e));
      return false;
    }
  }

  /** The first meaningful line of Spark's message: parse errors start with a blank line. */
  static String oneLine(Throwable e) {
    return oneLine(e.getMessage() == null ? e.toString() : e.getMessage(),
        e.getClass().getSimpleName());
  }

  /** The first non-blank line of {@code message}, or {@code fallback} when it has none. */
  static String oneLine(String message, String fallback) {
    return message.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst()
        .orElse(fallback);
  }

  /** The aligned view: numbers readable, long cells cut, the time the statement took. */
  private void printTable(Dataset<Row> result, long start) {
    StructField[] fields = result.schema().fields();
    List<Row> rows = forReading(result, MAX_CELL).limit(MAX_TABLE_ROWS + 1).collectAsList();
    double seconds = (System.nanoTime() - start) / 1e9;
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
      // An empty field for a missing value: what pandas.read_csv and spreadsheets expect.
      TableExport.print(result, out, "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every column as text for a person: fractional numbers with thousands separators and at most
   * four decimals (tiny ones in scientific notation, so that 2.2e-09 does not read as 0),
   * whole numbers as they are (years, codes), anything else cut at {@code maxCell} characters.
   */
  static Dataset<Row> forReading(Dataset<Row> result, int maxCell) {
    Column[] columns = new Column[result.columns().length];
    for (int c = 0; c < columns.length; c++) {
      StructField field = result.schema().fields()[c];
      Column column = result.col(field.name());
      if (field.dataType() instanceof DoubleType || field.dataType() instanceof FloatType
          || field.dataType() instanceof DecimalType) {
        Column value = column.cast("double");
        Column tiny = functions.abs(value).lt(1e-4).and(value.notEqual(0));
        columns[c] = functions.when(tiny, functions.format_string("%.3e", value))
            .otherwise(functions.regexp_replace(functions.format_number(value, 4),
                "\\.?0+$", "")).as(field.name());
      } else {
        Column text = column.cast("string");
        columns[c] = functions.when(functions.length(text).gt(maxCell),
            functions.concat(functions.substring(text, 1, maxCell - 1), functions.lit("…")))
            .otherwise(text).as(field.name());
      }
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
