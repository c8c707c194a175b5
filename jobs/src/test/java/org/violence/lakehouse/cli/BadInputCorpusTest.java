package org.violence.lakehouse.cli;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * for it, and nothing else changed. One run per variant; the quarantined cases share a variant,
 * each on a line of its own (of one of three files), and each is checked for its reason.
 */
class BadInputCorpusTest extends LakehouseTestBase {
  private static final Path CORPUS = projectDir().resolve("jobs/src/test/resources/bad-input");
  /**
   * Tables no case changes a row of (the population cases break a year after the small run's,
   * whose populations do not depend on it).
   */
  private static final List<Table> UNRELATED = List.of(InegiCubeSource.OCCURRENCE.table(),
      Population.TABLE);

  /** A line of cases.csv: one way a file can be broken, and what the run must do with it. */
  private record Case(String name, String file, String outcome, int exitCode,
      String messageContains, String reasonContains, int quarantinedRows) {}

  /**
   * The corpus's variants, each with its cases. Quarantined cases share a variant (each breaks a
   * different line), and so one run: the pipeline rebuilds what is downstream of their files
   * once for them, not once per case (a quarantine in the municipal catalogue or the population
   * rebuilds nearly every table).
   */
  static Stream<Arguments> variants() throws Exception {
    Map<String, List<Case>> byVariant = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(CORPUS.resolve("cases.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      Case broken = new Case(f[0], f[1], f[2], Integer.parseInt(f[3]), f[4], f[5],
          f[6].isEmpty() ? 0 : Integer.parseInt(f[6]));
      String variant = f[7].isEmpty() ? broken.name() : f[7];
      byVariant.computeIfAbsent(variant, v -> new ArrayList<>()).add(broken);
    }
    return byVariant.entrySet().stream().map(variant -> Arguments.of(variant.getKey(),
        variant.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void endsAsWrittenDownAndChangesNothingElse(String variantName, List<Case> cases)
      throws Exception {
    Case first = cases.get(0);
    for (Case broken : cases) {
      Assertions.assertTrue(broken.outcome().equals(first.outcome())
          && broken.exitCode() == first.exitCode()
          && (cases.size() == 1 || broken.outcome().equals("quarantined")),
          variantName + ": only quarantined cases can share a variant: " + cases);
    }
    String name = variantName + " " + cases.stream().map(Case::name).toList();
    RealRun run = copyOf(smallRun());
    Map<String, byte[]> brokenFiles = new TreeMap<>();
    for (Case broken : cases) {
      Path variant = CORPUS.resolve("cases").resolve(variantName).resolve(broken.file());
      Assertions.assertTrue(Files.exists(variant) || variantName.equals("missing_file"),
          "the corpus has no variant for " + broken.name() + " at " + variant);
      if (Files.exists(variant)) {
        brokenFiles.put(broken.file(), Files.readAllBytes(variant));
      }
    }
    Path inputs = brokenFiles.isEmpty() ? samplesWith(Map.of(), Set.of(first.file()))
        : samplesWith(brokenFiles);
    Map<Table, Long> before = versions(run);

    CommandHere.Ending ending = CommandHere.run("run", "--lakehouse",
        run.config().lakehouse(), "--inputs", inputs.toString(), "--years",
        SMALL_YEARS.first() + "-" + SMALL_YEARS.last());
    String message = ending.err();
    Assertions.assertEquals(first.exitCode(), ending.exit(), name + ": " + message);
    for (Case broken : cases) {
      for (String fragment : broken.messageContains().isEmpty() ? new String[0]
          : broken.messageContains().split("\\|")) {
        Assertions.assertTrue(message.contains(fragment), broken.name() + ": '" + fragment
            + "' not in " + message);
      }
    }
    Map<Table, Long> after = versions(run);
    if (first.outcome().equals("fatal")) {
      Assertions.assertEquals(before, after, name + ": a fatal input changes no table");
      return;
    }
    // A table downstream of a changed input is rebuilt (its inputs' fingerprints moved), but
    // where the broken file does not feed its rows, they must come out the same.
    for (Table table : UNRELATED) {
      assertSameContents(smallRun().lakehouse().read(table), run.lakehouse().read(table));
    }
    if (first.outcome().equals("accepted")) {
      Assertions.assertEquals(smallRun().lakehouse().read(Quarantine.TABLE).count(),
          run.lakehouse().read(Quarantine.TABLE).count(), name + ": nothing quarantined");
    } else {
      // Each case's line refused with its own reason, and no other line of its file.
      Map<String, List<Row>> quarantinedByFile = new TreeMap<>();
      for (Row row : run.lakehouse().read(Quarantine.TABLE)
          .where(col(Lineage.SOURCE_FILE).isin(brokenFiles.keySet().toArray())).collectAsList()) {
        quarantinedByFile.computeIfAbsent(row.getAs(Lineage.SOURCE_FILE),
            file -> new ArrayList<>()).add(row);
      }
      for (String file : brokenFiles.keySet()) {
        List<Case> ofFile = cases.stream().filter(broken -> broken.file().equals(file)).toList();
        List<Row> quarantined = quarantinedByFile.getOrDefault(file, List.of());
        Assertions.assertEquals(ofFile.stream().mapToInt(Case::quarantinedRows).sum(),
            quarantined.size(), name + ": " + quarantined);
        for (Case broken : ofFile) {
          Assertions.assertEquals(broken.quarantinedRows(), quarantined.stream()
              .filter(row -> row.<String>getAs(Quarantine.REASON).contains(
                  broken.reasonContains())).count(), broken.name() + ": " + quarantined);
        }
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
