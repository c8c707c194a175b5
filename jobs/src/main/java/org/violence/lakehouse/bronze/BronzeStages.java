package org.violence.lakehouse.bronze;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.BuildState;
import org.violence.lakehouse.io.Fingerprints;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.run.Stage;

/**
 * The bronze stages of a run: one per source, landing its files as they are, and the manifest of
 * every input file. The files are checksummed once, when the stages are made, and each stage
 * lands again only the parts whose files, settings or code changed.
 */
public final class BronzeStages {
  private final SparkSession spark;
  private final LakehouseConfig config;
  private final BronzeIngest ingest;
  private final List<BronzeSource> sources;
  private final List<InputManifest.Entry> manifest;

  private BronzeStages(SparkSession spark, LakehouseConfig config, BronzeIngest ingest,
      List<BronzeSource> sources, List<InputManifest.Entry> manifest) {
    this.spark = spark;
    this.config = config;
    this.ingest = ingest;
    this.sources = sources;
    this.manifest = manifest;
  }

  /**
   * Checksums the configured files of {@code sources}, and of {@code otherInputs} (the keys of
   * sources that a later stage reads itself, such as the municipal polygons), for the years of
   * the run.
   */
  public static BronzeStages scan(SparkSession spark, LakehouseConfig config, BronzeIngest ingest,
      List<BronzeSource> sources, List<String> otherInputs) {
    var hadoop = spark.sparkContext().hadoopConfiguration();
    List<String> keys = new ArrayList<>();
    sources.forEach(source -> keys.add(source.configKey()));
    keys.addAll(otherInputs);
    List<InputManifest.Entry> entries = new ArrayList<>();
    for (String key : keys) {
      for (BronzeIngest.RawFile file : ingest.filesOf(config.sources().get(key), config.years())) {
        entries.add(InputManifest.scan(hadoop, config.inputsFolder(), key, file));
      }
    }
    return new BronzeStages(spark, config, ingest, sources, List.copyOf(entries));
  }

  /** A stage per source, then the manifest's. */
  public List<Stage> stages() {
    List<Stage> stages = new ArrayList<>();
    sources.forEach(source -> stages.add(landing(source)));
    stages.add(manifestStage());
    return stages;
  }

  /** The scanned file of a source with one file (its first, for a yearly source). */
  public InputManifest.Entry input(String configKey) {
    return manifest.stream().filter(e -> e.source().equals(configKey)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(configKey + " was not scanned"));
  }

  /**
   * A source's bronze table, in parts by year for yearly files: a part is landed again when the
   * checksum of one of its files, the source's settings or the code changed.
   */
  private Stage landing(BronzeSource source) {
    LakehouseConfig.SourceFile files = config.sources().get(source.configKey());
    List<InputManifest.Entry> own = manifest.stream()
        .filter(e -> e.source().equals(source.configKey())).toList();
    if (files.isYearly() && own.isEmpty()) {
      return Stage.withNoFileInTheYears(source.table(),
          files.path() + ": no file in the run's years",
          () -> ingest.land(source, files, List.of()).rows());
    }
    Map<String, String> pathOfPart = new TreeMap<>();
    own.forEach(e -> pathOfPart.put(e.file().part(), e.file().path()));
    return Stage.fromState(List.of(source.table()), stateOf -> {
      TreeMap<String, String> parts = new TreeMap<>();
      for (InputManifest.Entry entry : own) {
        parts.merge(entry.file().part(), Fingerprints.of(Fingerprints.codeVersion(),
            files.path(), files.encoding(), entry.file().path(), entry.sha256()),
            (a, b) -> Fingerprints.of(a, b));
      }
      return new BuildState(parts);
    }, files.isYearly() ? parts -> Lineage.SOURCE_FILE + " IN (" + parts.stream()
        .map(part -> "'" + pathOfPart.getOrDefault(part,
            files.path().replace("{year}", part)) + "'")
        .collect(Collectors.joining(", ")) + ")" : null, parts -> {
          BronzeIngest.Landed landed = ingest.land(source, files, own.stream()
              .map(InputManifest.Entry::file).filter(f -> parts.contains(f.part())).toList());
          return Stage.Output.of(Map.of(source.table(), landed.rows()), landed.quarantined());
        });
  }

  private Stage manifestStage() {
    String state = Fingerprints.of(manifest.stream().map(e -> e.source() + "=" + e.file().path()
        + "@" + e.sha256()).toArray(String[]::new));
    return Stage.fromState(List.of(InputManifest.TABLE), stateOf -> BuildState.whole(state),
        null, parts -> Stage.Output.of(Map.of(InputManifest.TABLE,
            InputManifest.rows(spark, manifest))));
  }
}
