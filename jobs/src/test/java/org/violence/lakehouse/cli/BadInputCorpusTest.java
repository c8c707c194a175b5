package org.violence.lakehouse.cli;

import static org.apache.spark.sql.functions.col;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.violence.lakehouse.catalog.Tables;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.reconcile.Reconciliation;
import org.violence.lakehouse.silver.Population;

/**
 * Every case of the bad-input corpus (jobs/src/test/resources/bad-input, see EXPECTED.md there)
 * through the real command, over a lakehouse built from the good files: the outcome written down
 * for it, and nothing else changed.
 */
class BadInputCorpusTest extends LakehouseTestBase {
  private static final Path CORPUS = projectDir().resolve("jobs/src/test/resources/bad-input");
  /**
   * Tables no case changes a row of (the population cases break a year after the small run's,
   * whose populations do not depend on it).
   */
  private static final List<Table> UNRELATED = List.of(InegiCubeSource.OCCURRENCE.table(),
      Population.TABLE);

  static Stream<Arguments> cases() throws Exception {
    return Files.readAllLines(CORPUS.resolve("cases.csv")).stream().skip(1)
        .map(line -> line.split(",", -1))
        .map(f -> Arguments.of(f[0], f[1], f[2], Integer.parseInt(f[3]), f[4], f[5],
            f[6].isEmpty() ? 0 : Integer.parseInt(f[6])));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void endsAsWrittenDownAndChangesNothingElse(String name, String file, String outcome,
      int exitCode, String messageContains, String reasonContains, int quarantinedRows)
      throws Exception {
    RealRun run = copyOf(smallRun());
    Path variant = CORPUS.resolve("cases").resolve(name).resolve(file);
    Assertions.assertTrue(Files.exists(variant) || name.equals("missing_file"),
        "the corpus has no variant for " + name + " at " + variant);
    Path inputs = Files.exists(variant)
        ? samplesWith(Map.of(file, Files.readAllBytes(variant)))
        : samplesWith(Map.of(), Set.of(file));
    Map<Table, Long> before = versions(run);

    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    PrintStream terminal = System.err;
    System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = Main.execute(new String[] {"run", "--lakehouse", run.config().lakehouse(),
          "--inputs", inputs.toString(), "--years", SMALL_YEARS.first() + "-"
          + SMALL_YEARS.last()});
    } finally {
      System.setErr(terminal);
    }
    String message = errors.toString(StandardCharsets.UTF_8);
    Assertions.assertEquals(exitCode, exit, name + ": " + message);
    for (String fragment : messageContains.isEmpty() ? new String[0]
        : messageContains.split("\\|")) {
      Assertions.assertTrue(message.contains(fragment), name + ": '" + fragment + "' not in "
          + message);
    }
    Map<Table, Long> after = versions(run);
    if (outcome.equals("fatal")) {
      Assertions.assertEquals(before, after, name + ": a fatal input changes no table");
      return;
    }
    // A table downstream of a changed input is rebuilt (its inputs' fingerprints moved), but
    // where the broken file does not feed its rows, they must come out the same.
    for (Table table : UNRELATED) {
      assertSameContents(smallRun().lakehouse().read(table), run.lakehouse().read(table));
    }
    if (outcome.equals("accepted")) {
      Assertions.assertEquals(smallRun().lakehouse().read(Quarantine.TABLE).count(),
          run.lakehouse().read(Quarantine.TABLE).count(), name + ": nothing quarantined");
    } else {
      List<Row> quarantined = run.lakehouse().read(Quarantine.TABLE)
          .where(col(Lineage.SOURCE_FILE).equalTo(file)).collectAsList();
      Assertions.assertEquals(quarantinedRows, quarantined.size(), name + ": " + quarantined);
      for (Row row : quarantined) {
        Assertions.assertTrue(row.<String>getAs(Quarantine.REASON).contains(reasonContains),
            name + ": " + quarantined);
      }
    }
    Assertions.assertEquals(0L, run.lakehouse().read(Reconciliation.TABLE)
        .where(col(Reconciliation.DIFFERENCE).notEqual(0)).count(),
        name + ": every homicide is still accounted for");
    assertSameContents(
        smallRun().lakehouse().read(MunicipalityYearPanel.TABLE).where("year = 2009"),
        run.lakehouse().read(MunicipalityYearPanel.TABLE).where("year = 2009"));
  }

  private static Map<Table, Long> versions(RealRun run) {
    Map<Table, Long> versions = new TreeMap<>(java.util.Comparator.comparing(
        Table::qualifiedName));
    Tables.all().forEach(table -> versions.put(table, run.lakehouse().version(table)));
    return versions;
  }
}
