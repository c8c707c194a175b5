package org.violence.lakehouse.synthetic;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.bronze.BronzeIngest;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.Fingerprints;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.microdata.CauseOfDeath;
import org.violence.lakehouse.microdata.DeathRecordCounts;
import org.violence.lakehouse.microdata.DeathRecords;
import org.violence.lakehouse.microdata.MicrodataStages;
import org.violence.lakehouse.quality.QualityGate;
import org.violence.lakehouse.run.StageRunner;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.Municipalities;

/**
 * The generator at a small size (two years, a few thousand other deaths a year) against the real
 * INEGI counts of the shared real run, and the nightly path over its files.
 */
class SyntheticDeathRecordsTest extends LakehouseTestBase {
  private static final LakehouseConfig.YearRange YEARS = new LakehouseConfig.YearRange(1997, 1998);
  private static final double RATE = 0.05;

  @Test
  void homicidesCountedFromGeneratedFilesEqualInegiForEveryMunicipalityAndYear()
      throws IOException {
    Lakehouse real = realRun().lakehouse();
    Path folder = Files.createTempDirectory("synthetic");
    DeathRecordGenerator.Written written = new DeathRecordGenerator(real).write(folder, YEARS,
        RATE, 7);
    // One year in ICD-9 (1997) and one in ICD-10 (1998): both classifications are exercised.
    List<BronzeIngest.RawFile> files = List.of(file(1997), file(1998));
    Dataset<Row> certificates = DeathRecords.read(spark(), folder.toString(), "ISO-8859-1", files,
        "test", new Timestamp(0));
    Dataset<Row> compared = DeathRecordGenerator.calibration(DeathRecordCounts.build(certificates,
        real.read(Municipalities.TABLE)).counts(), real.read(HomicideCounts.TABLE), YEARS);
    Assertions.assertEquals(List.of(), compared.where(not(col("inegi").eqNullSafe(
        col("generated")))).limit(10).collectAsList(), "municipality-years whose counts differ");
    long municipalityYears = compared.count();
    Assertions.assertTrue(municipalityYears > 2 * 1000, "municipality-years: " + municipalityYears);
    // Every generated homicide is one of INEGI's, counted in its unit of occurrence.
    long homicides = certificates.where(CauseOfDeath.classify(col(DeathRecords.CAUSE),
        col(DeathRecords.YEAR)).equalTo(CauseOfDeath.HOMICIDE)).count();
    Assertions.assertEquals(written.homicides().values().stream().mapToLong(Long::longValue)
        .sum(), homicides);
    Assertions.assertEquals(written.totalRows(), certificates.count());

    // Same seed, same bytes; another seed, other files.
    Path again = Files.createTempDirectory("synthetic-again");
    new DeathRecordGenerator(real).write(again, new LakehouseConfig.YearRange(1998, 1998), RATE,
        7);
    Assertions.assertEquals(sha(folder.resolve("deaths_1998.csv")),
        sha(again.resolve("deaths_1998.csv")));
  }

  @Test
  void aNightlyRunWithOneNewYearLandsAndCountsThatYearAlone() throws IOException {
    Lakehouse real = realRun().lakehouse();
    Path folder = Files.createTempDirectory("synthetic-nightly");
    new DeathRecordGenerator(real).write(folder, YEARS, RATE, 11);
    Lakehouse lakehouse = new Lakehouse(spark(), Files.createTempDirectory("nightly").toString());
    lakehouse.replace(Municipalities.TABLE, real.read(Municipalities.TABLE), null);
    LakehouseConfig.SourceFile source = new LakehouseConfig.SourceFile("deaths_{year}.csv",
        "ISO-8859-1", YEARS);

    StageRunner first = runner(lakehouse);
    runMicrodata(first, lakehouse, folder, source, List.of(file(1997)), "first");
    StageRunner nightly = runner(lakehouse);
    runMicrodata(nightly, lakehouse, folder, source, List.of(file(1997), file(1998)),
        "nightly");
    Assertions.assertEquals(List.of("bronze.death_records 1998", "silver.death_record_counts 1998"),
        nightly.reports().stream().map(r -> r.table() + " " + r.parts()).toList());
    // The 1997 rows kept the run that landed them: they were not read or written again.
    Assertions.assertEquals(Set.of("first"), Set.copyOf(lakehouse.read(DeathRecords.TABLE)
        .where(col(DeathRecords.YEAR).equalTo(1997)).select("run_id").distinct()
        .collectAsList().stream().map(r -> r.getString(0)).toList()));
    long deaths1998 = lakehouse.read(DeathRecordCounts.TABLE)
        .where(col(DeathRecordCounts.YEAR).equalTo(1998)
            .and(col(DeathRecordCounts.PLACE).equalTo(DeathRecordCounts.OCCURRENCE)))
        .agg(sum(DeathRecordCounts.DEATHS)).first().getLong(0);
    Assertions.assertEquals(lakehouse.read(DeathRecords.TABLE)
        .where(col(DeathRecords.YEAR).equalTo(1998)).count(), deaths1998);

    StageRunner again = runner(lakehouse);
    runMicrodata(again, lakehouse, folder, source, List.of(file(1997), file(1998)), "again");
    Assertions.assertTrue(again.reports().stream().allMatch(r -> r.action().equals("unchanged")),
        again.reports().toString());
  }

  private static StageRunner runner(Lakehouse lakehouse) {
    return new StageRunner(lakehouse, new QualityGate("test"),
        System.out);
  }

  private static void runMicrodata(StageRunner runner, Lakehouse lakehouse, Path folder,
      LakehouseConfig.SourceFile source, List<BronzeIngest.RawFile> files, String runId) {
    MicrodataStages stages = new MicrodataStages(lakehouse, folder.toString(), source, files);
    runner.run(stages.bronze(runId, new Timestamp(System.currentTimeMillis())));
    runner.run(stages.counts());
  }

  private static BronzeIngest.RawFile file(int year) {
    return new BronzeIngest.RawFile(DeathRecordGenerator.fileName(year), year);
  }

  private static String sha(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return Fingerprints.of(in);
    }
  }
}
