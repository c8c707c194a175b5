package org.violence.lakehouse.microdata;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.violence.lakehouse.bronze.BronzeIngest;
import org.violence.lakehouse.bronze.InputManifest;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.BuildState;
import org.violence.lakehouse.io.Fingerprints;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.run.Stage;
import org.violence.lakehouse.silver.Municipalities;

/**
 * The two stages of the microdata: landing the yearly certificate files in bronze, and counting
 * them. Both are built year by year, so a nightly run with one new file reads that file alone
 * and counts that year alone.
 *
 * <p>A yearly file's fingerprint is the SHA-256 of its bytes, streamed: a corrected file of the
 * same size and modification time (INEGI republishes years) must be noticed. Hashing re-reads
 * every old file each night, but only reads it: ~1.2 GB/s here (the CPU's SHA instructions), so
 * about 3 s for the ~4 GB of 26 national years, against minutes to parse and count one year.
 */
public final class MicrodataStages {
  private final Lakehouse lakehouse;
  private final String inputsRoot;
  private final LakehouseConfig.SourceFile source;
  private final List<BronzeIngest.RawFile> files;

  /** {@code files}: the source's yearly files within the run's years. */
  public MicrodataStages(Lakehouse lakehouse, String inputsRoot,
      LakehouseConfig.SourceFile source, List<BronzeIngest.RawFile> files) {
    this.lakehouse = lakehouse;
    this.inputsRoot = LakehouseConfig.folder(inputsRoot);
    this.source = source;
    this.files = List.copyOf(files);
  }

  /** bronze.death_records; with no file in the run's years, an empty table. */
  public Stage bronze(String runId, Timestamp loadTime) {
    if (files.isEmpty()) {
      return Stage.withNoFileInTheYears(DeathRecords.TABLE, NO_FILES, () -> DeathRecords.read(
          lakehouse.spark(), inputsRoot, source.encoding(), List.of(), runId, loadTime));
    }
    return Stage.fromState(List.of(DeathRecords.TABLE), stateOf -> {
      TreeMap<String, String> parts = new TreeMap<>();
      files.forEach(file -> parts.put(file.part(), fingerprint(file)));
      return new BuildState(parts);
    }, parts -> DeathRecords.YEAR + " IN (" + String.join(", ", parts) + ")",
        parts -> output(DeathRecords.read(lakehouse.spark(), inputsRoot, source.encoding(),
            files.stream().filter(file -> parts.contains(file.part())).toList(), runId,
            loadTime)));
  }

  /**
   * silver.death_record_counts, file year by file year; with no file in the run's years, an
   * empty table of the counts' declared columns, which depends on no table. Planning the
   * counting over no certificates to learn its columns ran ~7 Spark jobs, ~5 s of a small run's
   * longest chain of stages (municipalities, these counts, homicides, the panel, the models).
   */
  public Stage counts() {
    if (files.isEmpty()) {
      return Stage.withNoFileInTheYears(DeathRecordCounts.TABLE, NO_FILES, () -> lakehouse
          .spark().createDataFrame(List.of(), DeathRecordCounts.TABLE.schema()));
    }
    return Stage.byYear(List.of(DeathRecordCounts.TABLE), List.of(
            Stage.Input.sameYear(DeathRecords.TABLE), Stage.Input.whole(Municipalities.TABLE)),
        "", this::years, (in, parts) -> {
          DeathRecordCounts.Result result = DeathRecordCounts.build(in.read(DeathRecords.TABLE)
              .where(functions.col(DeathRecords.YEAR).isin(parts.stream().map(Integer::valueOf)
                  .toArray())), in.read(Municipalities.TABLE));
          return Stage.Output.refusing(Map.of(DeathRecordCounts.TABLE, result.counts()),
              computed -> result.refused(computed.get(DeathRecordCounts.TABLE)));
        });
  }

  /** Years of registration covered by the run's files. */
  public Set<Integer> years() {
    Set<Integer> years = new TreeSet<>();
    files.forEach(file -> years.add(file.year()));
    return years;
  }

  /** What both tables are built from in a run whose years have no certificate file. */
  private static final String NO_FILES = "no death-record files in the run's years";

  /** Malformed lines are landed with their raw text and quarantined by the counts. */
  private Stage.Output output(Dataset<Row> certificates) {
    return Stage.Output.of(Map.of(DeathRecords.TABLE, certificates));
  }

  /**
   * What a yearly file's bronze part is built from: its bytes (SHA-256, streamed), not its size
   * and modification time, so a corrected file of the same size and time is noticed too.
   */
  private String fingerprint(BronzeIngest.RawFile file) {
    InputManifest.Entry scanned = InputManifest.scan(
        lakehouse.spark().sparkContext().hadoopConfiguration(), inputsRoot, DeathRecords.CONFIG_KEY,
        file);
    return Fingerprints.of(Fingerprints.codeVersion(), source.path(), source.encoding(),
        file.path(), scanned.sha256());
  }
}
