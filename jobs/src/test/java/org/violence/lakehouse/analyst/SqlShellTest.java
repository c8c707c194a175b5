package org.violence.lakehouse.analyst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
  void interactiveSessionPrintsPromptsTablesOneLineErrorsAndLeavesOnExit() {
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
    new SqlShell(spark(), SqlShell.Format.TABLE, terminal, terminal).interactive(new BufferedReader(new StringReader(typed)),
        "banner line");
    String printed = bytes.toString(StandardCharsets.UTF_8);
    List<String> lines = printed.lines().toList();

    assertEquals("banner line", lines.get(0));
    // The statement spans three lines: a prompt, then two continuation prompts.
    Assertions.assertTrue(printed.contains(SqlShell.PROMPT + SqlShell.CONTINUATION
        + SqlShell.CONTINUATION + "year | homicides"), printed);
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
    Assertions.assertTrue(printed.stripTrailing().endsWith(SqlShell.PROMPT + "Bye."), printed);
    assertFalse(printed.contains("never run"), printed);
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
