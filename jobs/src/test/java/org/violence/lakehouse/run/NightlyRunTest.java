package org.violence.lakehouse.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.cli.Pipeline;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.BuildState;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.quality.QualityGate;
import org.violence.lakehouse.silver.Covariates;
import org.violence.lakehouse.silver.Municipalities;

/**
 * Incremental runs on the real samples: nothing to do, a new year, a source with no file in the
 * years, a failed quality gate.
 */
class NightlyRunTest extends LakehouseTestBase {

  @Test
  void aSecondRunWithNothingChangedWritesNothing() {
    RealRun real = copyOfRealRun();
    Pipeline.Outcome again = new Pipeline(spark(), real.config()).run();
    Assertions.assertFalse(again.changedAnything(), again.tables().toString());
    Assertions.assertEquals(real.outcome().versions(), again.versions(),
        "no table version moved");
  }

  @Test
  void aNewYearOfOneSourceRewritesOnlyThatYearAndEqualsAFullRebuild() {
    RealRun real = copyOfRealRun();
    // The occurrence cube's last year, 2010, arrives a night after the others.
    LakehouseConfig without2010 = real.config().withSourceYears("homicides_occurrence",
        new LakehouseConfig.YearRange(1994, 2009));
    new Pipeline(spark(), without2010).run();
    Assertions.assertNull(real.lakehouse().read(MunicipalityYearPanel.TABLE)
        .where("year = 2010").first().getAs(MunicipalityYearPanel.HOMICIDES_OCCURRENCE),
        "without its file, 2010 has no occurrence count (empty, not zero)");
    Set<String> otherYearsFiles = panelFilesOfUnchangedYears(real);

    Pipeline.Outcome added = new Pipeline(spark(), real.config()).run();

    Map<String, String> parts = new TreeMap<>();
    added.tables().forEach(t -> parts.put(t.table(), t.action().equals("written")
        ? t.parts() : "unchanged"));
    Assertions.assertEquals("2010", parts.get("bronze.inegi_homicides_occurrence"));
    Assertions.assertEquals("2010", parts.get("silver.homicides"));
    // 2011 too: its neighbours' lagged rate reads 2010's homicides.
    Assertions.assertEquals("2010,2011", parts.get("gold.municipality_year_panel"));
    for (String unchanged : List.of("bronze.conapo_population", "silver.municipalities",
        "silver.population", "silver.covariates", "bronze.inegi_homicides_registration")) {
      Assertions.assertEquals("unchanged", parts.get(unchanged), unchanged);
    }
    Assertions.assertEquals(otherYearsFiles, panelFilesOfUnchangedYears(real),
        "the panel files of the other years were not rewritten");
    // A table at the version the full build left is those very files; the others were
    // rewritten, twice, and must come back to the full build's rows.
    Map<Table, Long> built = real.outcome().versions();
    assertSameTables(built.keySet().stream().filter(table -> !added.versions().get(table)
            .equals(built.get(table))).toList(),
        table -> real.lakehouse().readVersion(table, built.get(table)),
        table -> real.lakehouse().read(table));
  }

  /**
   * A run over years that a yearly source has no file for (INEGI's occurrence cube ends in 2010;
   * researchers study 2011-2015): its bronze table is there and empty, and the panel's columns
   * from it are empty, not zero, while the other sources' columns are as before. Without the
   * empty table the first stage reading it failed the run with an internal error.
   */
  @Test
  void aYearlySourceWithNoFileInTheRunsYearsLeavesItsColumnsEmpty() throws Exception {
    RealRun small = copyOf(smallRun());
    // As a lakehouse that never held the table (a first run over 2011-2015): the rest of the
    // small run stays, so that only what reads the cube is built again.
    FileUtils.deleteDirectory(folderOf(small.lakehouse(), InegiCubeSource.OCCURRENCE.table())
        .toFile());
    new Pipeline(spark(), small.config().withSourceYears("homicides_occurrence",
        new LakehouseConfig.YearRange(1994, SMALL_YEARS.first() - 1))).run();

    Assertions.assertEquals(0L, small.lakehouse().read(InegiCubeSource.OCCURRENCE.table())
        .count());
    Assertions.assertEquals(Set.of(BuildState.WHOLE), small.lakehouse().buildState(
        InegiCubeSource.OCCURRENCE.table()).parts().keySet());
    Dataset<Row> panel = small.lakehouse().read(MunicipalityYearPanel.TABLE);
    Assertions.assertEquals(0L, panel.where(col(MunicipalityYearPanel.HOMICIDES_OCCURRENCE)
        .isNotNull()).count(), "no occurrence count in years without its file");
    String[] registration = {Municipalities.STABLE_CODE, MunicipalityYearPanel.YEAR,
        MunicipalityYearPanel.HOMICIDES_REGISTRATION};
    assertSameContents(smallRun().lakehouse().read(MunicipalityYearPanel.TABLE)
        .selectExpr(registration), panel.selectExpr(registration));
  }

  private static Set<String> panelFilesOfUnchangedYears(RealRun run) {
    return run.lakehouse().read(MunicipalityYearPanel.TABLE).where("year NOT IN (2010, 2011)")
        .select(input_file_name()).distinct().collectAsList().stream()
        .map(row -> row.getString(0)).collect(Collectors.toSet());
  }

  @Test
  void aFailedQualityGateStopsTheRunBeforeGoldChanges() throws Exception {
    RealRun real = copyOfRealRun();
    String coneval = "mexico/coneval/Indicadores_municipales_sabana_DA.csv";
    String text = Files.readString(projectDir().resolve("data-samples").resolve(coneval));
    LakehouseConfig config = real.config().withInputs(samplesWith(Map.of(coneval,
        withField(text, "01001", "gini_10", "1.5").getBytes(StandardCharsets.UTF_8))).toString());

    QualityGate.QualityGateException failure = Assertions.assertThrows(
        QualityGate.QualityGateException.class, () -> new Pipeline(spark(), config).run());
    // The message names the municipality whose row is out of range, alone.
    Assertions.assertTrue(failure.getMessage().contains("silver.covariates")
        && failure.getMessage().contains("gini in [0.0, 1.0]")
        && failure.getMessage().contains(", " + Municipalities.STABLE_CODE + " 01001)"),
        failure.getMessage());

    Map<Table, Long> before = real.outcome().versions();
    for (Table table : List.of(Covariates.TABLE, MunicipalityYearPanel.TABLE)) {
      Assertions.assertEquals(before.get(table), real.lakehouse().version(table),
          table.qualifiedName() + " stays at its last good version");
    }
    List<Row> failed = real.lakehouse().read(QualityGate.TABLE)
        .where(col("status").notEqual("Success").and(col("level").equalTo("ERROR")))
        .collectAsList();
    Assertions.assertEquals(1, failed.size(), failed.toString());
    Assertions.assertEquals("silver.covariates", failed.get(0).getAs("table_name"));
    Assertions.assertEquals(before.get(Quarantine.TABLE), real.lakehouse().version(
        Quarantine.TABLE), "the stage's quarantine is written only with the stage");
  }

  /** The CSV text with one field of one municipality's row replaced. */
  private static String withField(String csv, String municipality, String column, String value) {
    String[] lines = csv.split("\n", -1);
    int index = List.of(lines[0].strip().split(",")).indexOf(column);
    for (int i = 1; i < lines.length; i++) {
      String[] fields = lines[i].split(",", -1);
      if (fields.length > index && fields[2].equals(municipality)) {
        fields[index] = value;
        lines[i] = String.join(",", fields);
        return String.join("\n", lines);
      }
    }
    throw new IllegalArgumentException(municipality + " not found");
  }
}
