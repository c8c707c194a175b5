package org.violence.lakehouse.analyst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.reconcile.Reconciliation;

/** The SQL shell on the small real run: a session as an analyst types it, formats, time travel. */
class SqlShellTest extends LakehouseTestBase {
  /**
   * INEGI's published national homicides by year of registration (mortality statistics,
   * "defunciones por homicidio"): 19,803 in 2009 and 25,757 in 2010. Exact: the counts are
   * INEGI's own.
   */
  static final Map<Integer, Long> INEGI_PUBLISHED = Map.of(2009, 19_803L, 2010, 25_757L);
  static final String NATIONAL = "SELECT year, SUM(homicides) AS homicides FROM silver.homicides"
      + " WHERE basis = 'registration' GROUP BY year ORDER BY year";

  @Test
  void interactiveSessionPrintsPromptsTablesOneLineErrorsAndLeavesOnExit() throws Exception {
    SqlCatalog.register(smallRun().lakehouse());
    String typed = String.join("\n",
        "SELECT year, SUM(homicides) AS homicides",
        "  FROM silver.homicides WHERE basis = 'registration'",
        "  GROUP BY year ORDER BY year;",
        "SELEC year FROM gold.municipality_year_panel;",
        "SELECT * FROM silver.no_such_table;",
        "SELECT COUNT(*) AS runs FROM gold.model_runs VERSION AS OF 0; -- time travel",
        "exit",
        "SELECT 'never run';") + "\n";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    // One stream for results and errors, as a terminal shows them: interleaved.
    PrintStream terminal = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    new SqlShell(spark(), SqlShell.Format.TABLE, terminal, terminal).interactive(
        reader(new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)), terminal),
        "banner line");
    String printed = bytes.toString(StandardCharsets.UTF_8);
    List<String> lines = printed.lines().toList();

    assertEquals("banner line", lines.get(0));
    // The statement spans three lines: a prompt, then two continuation prompts.
    Assertions.assertTrue(printed.contains(SqlShell.PROMPT + "SELECT year")
        && printed.contains(SqlShell.CONTINUATION + "  FROM silver.homicides")
        && printed.contains(SqlShell.CONTINUATION + "  GROUP BY year"), printed);
    Assertions.assertTrue(lines.contains("2009 |     " + INEGI_PUBLISHED.get(2009)), printed);
    Assertions.assertTrue(lines.contains("2010 |     " + INEGI_PUBLISHED.get(2010)), printed);
    List<String> errors = lines.stream().filter(l -> l.contains("error: ")).toList();
    assertEquals(2, errors.size(), printed);
    Assertions.assertTrue(errors.get(0).contains("PARSE_SYNTAX_ERROR"), errors.get(0));
    Assertions.assertTrue(errors.get(1).contains("TABLE_OR_VIEW_NOT_FOUND")
        && errors.get(1).contains("`silver`.`no_such_table`"), errors.get(1));
    assertFalse(printed.contains("\tat org.apache"), "no stack trace: " + printed);
    long models = smallRun().config().models().size();
    // Under the header "runs", right-aligned: every configured model has a run row.
    Assertions.assertTrue(lines.contains(String.format("%4d", models)), printed);
    assertEquals(List.of(SqlShell.PROMPT + "exit", "Bye."),
        lines.subList(lines.size() - 2, lines.size()), printed);
    assertFalse(printed.contains("never run"), printed);
  }

  @Test
  void ctrlCCancelsTheRunningStatementAndThePromptComesBack() throws Exception {
    // The sum of 10^11 numbers runs for a minute on two cores: long enough to be interrupted.
    String typed = "SELECT SUM(id) AS total FROM range(0, 100000000000);\nSELECT 41 + 1 AS answer;"
        + "\nexit\n";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream screen = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    LineReader reader = reader(new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)),
        screen);
    Thread ctrlC = new Thread(() -> {
      try {
        while (spark().sparkContext().statusTracker().getActiveJobIds().length == 0
            || !bytes.toString(StandardCharsets.UTF_8).contains("range(0, 100000000000)")) {
          Thread.sleep(100);
        }
        Thread.sleep(500);
        reader.getTerminal().raise(Terminal.Signal.INT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    ctrlC.start();
    new SqlShell(spark(), SqlShell.Format.TABLE, screen, screen).interactive(reader, "banner");
    ctrlC.join();
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    Assertions.assertTrue(lines.contains("cancelled (Ctrl-C)"), lines::toString);
    assertFalse(lines.stream().anyMatch(line -> line.startsWith("total")), lines::toString);
    Assertions.assertTrue(lines.contains("    42"), lines::toString);
  }

  @Test
  void tabCompletesTablesAndTheirColumns() {
    List<String> registered = SqlCatalog.register(smallRun().lakehouse());
    List<String> words = SqlShell.completions(spark(), registered);
    Assertions.assertTrue(words.containsAll(List.of("gold.municipality_year_panel", "gold",
        "homicide_rate_registration", "stable_municipality_code", "VERSION AS OF")), words::toString);
    List<Candidate> candidates = new ArrayList<>();
    new StringsCompleter(words).complete(null, new DefaultParser().parse(
        "SELECT * FROM gold.municipality_y", 33), candidates);
    assertEquals(List.of("gold.municipality_year_panel"),
        candidates.stream().map(Candidate::value).filter(v -> v.startsWith("gold.municipality_y"))
            .toList());
  }

  @Test
  void theAlignedViewFormatsNumbersAndCutsLongCells() {
    Row row = SqlShell.forReading(spark().sql("SELECT 2010 AS year, 1378110.0D AS population,"
        + " 122.00414031543228D AS rate, 2.2E-9D AS p_value, CAST(NULL AS DOUBLE) AS missing,"
        + " repeat('x', 200) AS fingerprint"), SqlShell.MAX_CELL).first();
    assertEquals("2010", row.getString(0));
    assertEquals("1,378,110", row.getString(1));
    assertEquals("122.0041", row.getString(2));
    assertEquals("2.200e-09", row.getString(3));
    Assertions.assertTrue(row.isNullAt(4));
    assertEquals("x".repeat(SqlShell.MAX_CELL - 1) + "…", row.getString(5));
  }

  /**
   * A line reader on a plain terminal over the given streams, as the tests type into it. The
   * terminal does not echo: the reader draws each line after its prompt, as on a real one.
   */
  private static LineReader reader(InputStream typed, PrintStream screen) throws IOException {
    Attributes noEcho = new Attributes();
    noEcho.setLocalFlag(Attributes.LocalFlag.ECHO, false);
    Terminal terminal = TerminalBuilder.builder().system(false).streams(typed, screen)
        .type(Terminal.TYPE_DUMB).attributes(noEcho).build();
    return LineReaderBuilder.builder().terminal(terminal)
        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true).build();
  }

  @Test
  void csvAndJsonCarryTheSameRowsAsTheTable() throws Exception {
    SqlCatalog.register(smallRun().lakehouse());
    String csv = run(SqlShell.Format.CSV, NATIONAL);
    assertEquals(List.of("year,homicides", "2009,19803", "2010,25757"), csv.lines().toList());
    List<String> json = run(SqlShell.Format.JSON, NATIONAL).lines().toList();
    assertEquals(2, json.size());
    JsonNode first = new ObjectMapper().readTree(json.get(0));
    assertEquals(2009, first.get("year").asInt());
    assertEquals(INEGI_PUBLISHED.get(2009), first.get("homicides").asLong());
  }

  @Test
  void timeTravelReadsEarlierVersionsByNameAndRegisteringMovesNoVersion() {
    RealRun copy = copyOf(smallRun());
    Map<Table, Long> before = copy.outcome().versions();
    SqlCatalog.register(copy.lakehouse());
    before.forEach((table, version) -> assertEquals(version,
        copy.lakehouse().version(table), table.qualifiedName()));

    String reconciliation = Reconciliation.TABLE.qualifiedName();
    long version = copy.lakehouse().version(Reconciliation.TABLE);
    long rows = copy.lakehouse().read(Reconciliation.TABLE).count();
    long rows2009 = copy.lakehouse().read(Reconciliation.TABLE).where("year = 2009").count();
    Assertions.assertTrue(run(SqlShell.Format.CSV, "DELETE FROM " + reconciliation
        + " WHERE year = 2009").startsWith("num_affected_rows"));
    String counts = run(SqlShell.Format.CSV, "SELECT (SELECT COUNT(*) FROM " + reconciliation
        + ") AS now, (SELECT COUNT(*) FROM " + reconciliation + " VERSION AS OF " + version
        + ") AS before");
    assertEquals(List.of("now,before", (rows - rows2009) + "," + rows), counts.lines().toList());
    // The commit time as text in the session's time zone, which TIMESTAMP AS OF reads in.
    String timestamp = spark().sql("DESCRIBE HISTORY " + reconciliation).where("version = "
        + version).selectExpr("date_format(timestamp, 'yyyy-MM-dd HH:mm:ss.SSS')").first()
        .getString(0);
    assertEquals(List.of("rows", Long.toString(rows)), run(SqlShell.Format.CSV,
        "SELECT COUNT(*) AS rows FROM " + reconciliation + " TIMESTAMP AS OF '" + timestamp
            + "'").lines().toList());
  }

  @Test
  void statementsSplitAtSemicolonsOutsideQuotesAndComments() {
    SqlShell.Split split = SqlShell.split("SELECT ';' AS a; -- a comment; still comment\n"
        + "SELECT `x;y` FROM t;\nSELECT 1");
    assertEquals(List.of("SELECT ';' AS a", "-- a comment; still comment\nSELECT `x;y` FROM t"),
        split.statements());
    assertEquals("\nSELECT 1", split.rest());
  }

  private String run(SqlShell.Format format, String statement) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    boolean ok = new SqlShell(spark(), format, out, out).execute(statement);
    String printed = bytes.toString(StandardCharsets.UTF_8);
    Assertions.assertTrue(ok, printed);
    return printed;
  }
}
