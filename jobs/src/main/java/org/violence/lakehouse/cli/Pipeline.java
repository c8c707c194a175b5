package org.violence.lakehouse.cli;

import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.catalog.Tables;
import org.violence.lakehouse.analyst.RouteMapCommand;
import org.violence.lakehouse.bronze.BronzeIngest;
import org.violence.lakehouse.bronze.BronzeSource;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.bronze.InputManifest;
import org.violence.lakehouse.bronze.Quarantine;
import org.violence.lakehouse.centralamerica.CentralAmericaStages;
import org.violence.lakehouse.centralamerica.GeographicUnits;
import org.violence.lakehouse.centralamerica.MunicipalHomicides;
import org.violence.lakehouse.conf.ConfigException;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.DiversionExposure;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.gold.SpatialFeatures;
import org.violence.lakehouse.io.BuildState;
import org.violence.lakehouse.io.Fingerprints;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.microdata.DeathRecordCounts;
import org.violence.lakehouse.microdata.DeathRecords;
import org.violence.lakehouse.microdata.MicrodataStages;
import org.violence.lakehouse.model.ModelStage;
import org.violence.lakehouse.model.ModelTable;
import org.violence.lakehouse.model.PanelModel;
import org.violence.lakehouse.quality.QualityGate;
import org.violence.lakehouse.reconcile.DrugWarReconciliation;
import org.violence.lakehouse.reconcile.Reconciliation;
import org.violence.lakehouse.run.RunLog;
import org.violence.lakehouse.run.RunProfile;
import org.violence.lakehouse.run.Stage;
import org.violence.lakehouse.run.StageRunner;
import org.violence.lakehouse.routes.RouteExposure;
import org.violence.lakehouse.routes.RouteStage;
import org.violence.lakehouse.routes.TraffickingNetwork;
import org.violence.lakehouse.silver.Covariates;
import org.violence.lakehouse.silver.DrugWarHomicides;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.MunicipalAreas;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * One full run: raw files to bronze, silver, the gold panel, the configured models and the
 * reconciliation. Every layer is read back from the lakehouse before the next is built, so each
 * layer depends only on the tables below it, as a nightly rebuild of one layer would.
 */
public final class Pipeline {
  /**
   * Stages run at once. A run is CPU-bound on the driver (planning, Delta's log, generated
   * code); on 2 cores, two stages overlap one's driver work with the other's tasks
   * (jobs/BENCHMARKS.md). More were not measured, and each holds its candidates in memory.
   */
  private static final int CONCURRENT_STAGES = 2;
  private final LakehouseConfig config;
  private final Lakehouse lakehouse;
  private final String runId;
  private final Timestamp loadTime;
  private final QualityGate gate;
  private final StageRunner runner;
  private final RunProfile profile;
  private final BronzeIngest ingest;
  private final CentralAmericaStages centralAmerica;
  private final MicrodataStages microdata;

  public Pipeline(SparkSession spark, LakehouseConfig config) {
    this(spark, config, RunLog.newRunId(Instant.now()), System.out);
  }

  public Pipeline(SparkSession spark, LakehouseConfig config, String runId, PrintStream progress) {
    this(new Lakehouse(spark, config.lakehouse()), config, runId, progress, () -> { });
  }

  /**
   * On the command's own lakehouse (one per process), with a step that must happen before the
   * run's first write (see {@link StageRunner}).
   */
  public Pipeline(Lakehouse lakehouse, LakehouseConfig config, String runId,
      PrintStream progress, Runnable beforeFirstWrite) {
    SparkSession spark = lakehouse.spark();
    this.config = config;
    this.lakehouse = lakehouse;
    this.runId = runId;
    this.loadTime = Timestamp.from(Instant.now());
    this.gate = new QualityGate(runId);
    this.profile = RunProfile.attachTo(spark.sparkContext());
    this.runner = new StageRunner(lakehouse, gate, progress, profile, beforeFirstWrite);
    this.ingest = new BronzeIngest(spark, config.inputs(), runId, loadTime);
    this.centralAmerica = new CentralAmericaStages(lakehouse, config, ingest, runId, loadTime);
    LakehouseConfig.SourceFile deathRecords = config.sources().get(DeathRecords.CONFIG_KEY);
    this.microdata = new MicrodataStages(lakehouse, config.inputs(), deathRecords,
        ingest.filesOf(deathRecords, config.years()));
  }

  /** What a run did, for the summary, the run log and tests. */
  public record Outcome(String runId, Map<Table, Long> versions, Optional<Totals> totals,
      List<PanelModel.Fit> fits, List<RunLog.TableReport> tables) {
    public boolean changedAnything() {
      return changedAnything(tables);
    }

    static boolean changedAnything(List<RunLog.TableReport> tables) {
      return tables.stream().anyMatch(t -> t.action().equals("written"));
    }
  }

  /**
   * The summary's totals, read back from the tables a run wrote. A run that wrote nothing does
   * not read them: they are the last run's, and reading them cost a rerun most of its time.
   */
  public record Totals(long quarantinedRecords, List<Row> reconciliation) {}

  /**
   * Builds whatever is out of date, stage by stage. The quality results are stored even when a
   * gate stops the run, so the failure can be inspected next to the passing checks.
   */
  public Outcome run() {
    try {
      return buildAll();
    } finally {
      profile.detachFrom(lakehouse.spark().sparkContext());
    }
  }

  private Outcome buildAll() {
    List<PanelModel.Fit> fits = new ArrayList<>();
    try {
      List<InputManifest.Entry> manifest = scanInputs();
      List<Stage> stages = new ArrayList<>();
      for (BronzeSource source : Tables.SOURCES) {
        stages.add(bronzeStage(source, manifest));
      }
      stages.add(manifestStage(manifest));
      stages.add(areasStage(manifest));
      stages.add(microdata.bronze(runId, loadTime));
      stages.addAll(silverStages());
      stages.addAll(centralAmerica.stages());
      stages.add(panelStage());
      stages.add(DrugWarReconciliation.stage());
      Stage models = ModelStage.stage(config.models(), runId, fits);
      stages.add(models);
      if (!runner.runAll(stages, CONCURRENT_STAGES).get(models.name()).isEmpty()) {
        ModelTable.write(lakehouse, fits);
      }
    } finally {
      Dataset<Row> checks = gate.results(lakehouse.spark());
      if (!checks.isEmpty()) {
        lakehouse.append(QualityGate.TABLE, checks);
      }
    }
    Map<Table, Long> versions = new LinkedHashMap<>();
    Tables.all().forEach(table -> versions.put(table, lakehouse.version(table)));
    Optional<Totals> totals = Outcome.changedAnything(runner.reports())
        ? Optional.of(new Totals(lakehouse.read(Quarantine.TABLE).count(),
            lakehouse.read(Reconciliation.TABLE).orderBy(Reconciliation.BASIS,
                Reconciliation.YEAR).collectAsList()))
        : Optional.empty();
    return new Outcome(runId, versions, totals, List.copyOf(fits), runner.reports());
  }

  /** Where this run's time went, stage by stage (printed by --profile). */
  public RunProfile profile() {
    return profile;
  }

  /** What the run did so far, for the run log of a run that failed. */
  public List<RunLog.TableReport> tablesSoFar() {
    return runner.reports();
  }

  private List<InputManifest.Entry> scanInputs() {
    var hadoop = lakehouse.spark().sparkContext().hadoopConfiguration();
    String root = config.inputs().endsWith("/") ? config.inputs() : config.inputs() + "/";
    List<InputManifest.Entry> entries = new ArrayList<>();
    for (BronzeSource source : Tables.SOURCES) {
      for (BronzeIngest.RawFile file : ingest.filesOf(sourceFiles(source), config.years())) {
        entries.add(InputManifest.scan(hadoop, root, source.configKey(), file));
      }
    }
    for (BronzeIngest.RawFile file : ingest.filesOf(config.sources().get(
        RouteMapCommand.POLYGONS_SOURCE), config.years())) {
      entries.add(InputManifest.scan(hadoop, root, RouteMapCommand.POLYGONS_SOURCE, file));
    }
    return entries;
  }

  /** The municipalities' areas, computed again when the polygons file or the code changes. */
  private Stage areasStage(List<InputManifest.Entry> manifest) {
    InputManifest.Entry polygons = manifest.stream()
        .filter(e -> e.source().equals(RouteMapCommand.POLYGONS_SOURCE)).findFirst()
        .orElseThrow();
    return Stage.fromState(List.of(MunicipalAreas.TABLE), stateOf -> BuildState.whole(
            Fingerprints.of(Fingerprints.codeVersion(), polygons.file().path(),
                polygons.sha256())), null,
        parts -> Stage.Output.of(Map.of(MunicipalAreas.TABLE, MunicipalAreas.build(
            lakehouse.spark(), RouteMapCommand.polygons(lakehouse, config),
            polygons.file().path()))));
  }

  private LakehouseConfig.SourceFile sourceFiles(BronzeSource source) {
    return config.sources().get(source.configKey());
  }

  /**
   * A source's bronze table, in parts by year for yearly files: a part is landed again when the
   * checksum of one of its files, the source's settings or the code changed.
   */
  private Stage bronzeStage(BronzeSource source, List<InputManifest.Entry> manifest) {
    LakehouseConfig.SourceFile files = sourceFiles(source);
    List<InputManifest.Entry> own = manifest.stream()
        .filter(e -> e.source().equals(source.configKey())).toList();
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
          return new Stage.Output(Map.of(source.table(), landed.rows()), landed.quarantined());
        });
  }

  private Stage manifestStage(List<InputManifest.Entry> manifest) {
    String state = Fingerprints.of(manifest.stream().map(e -> e.source() + "=" + e.file().path()
        + "@" + e.sha256()).toArray(String[]::new));
    return Stage.fromState(List.of(InputManifest.TABLE), stateOf -> BuildState.whole(state),
        null, parts -> Stage.Output.of(Map.of(InputManifest.TABLE,
            InputManifest.rows(lakehouse.spark(), manifest))));
  }

  private List<Stage> silverStages() {
    Stage homicides = Stage.byYear(List.of(HomicideCounts.TABLE), List.of(
            Stage.Input.sameYear(InegiCubeSource.REGISTRATION.table()),
            Stage.Input.sameYear(InegiCubeSource.OCCURRENCE.table()),
            Stage.Input.whole(Municipalities.TABLE), Stage.Input.whole(DeathRecordCounts.TABLE)),
        "", this::homicideYears, (in, years) -> {
          HomicideCounts.Result result = HomicideCounts.build(
              in.read(InegiCubeSource.REGISTRATION.table()),
              in.read(InegiCubeSource.OCCURRENCE.table()), in.read(Municipalities.TABLE));
          // The certificates' counts join the cubes' here: microdata builds on silver.
          Dataset<Row> counts = result.counts().unionByName(
              DeathRecordCounts.homicides(in.read(DeathRecordCounts.TABLE)));
          return new Stage.Output(Map.of(HomicideCounts.TABLE, inYears(counts, years)),
              Quarantine.of(HomicideCounts.TABLE, inYears(result.refused(), years),
                  col(HomicideCounts.YEAR)));
        });
    return List.of(Municipalities.stage(config.geography().baseVintage(),
            parentOverridesFingerprint(), this::parentOverrides), microdata.counts(), homicides,
        Population.stage(config.years()),
        Covariates.stage(config.years(), config.covariateFill()), DrugWarHomicides.stage(),
        RouteStage.stage(config.trafficking()));
  }

  /**
   * The panel and its reconciliation, year by year. Both are checked before either is written,
   * so a panel whose homicides do not reconcile with INEGI's totals never reaches gold.
   */
  private Stage panelStage() {
    return Stage.byYear(List.of(MunicipalityYearPanel.TABLE, Reconciliation.TABLE), List.of(
            Stage.Input.whole(Municipalities.TABLE),
            Stage.Input.sameAndPreviousYear(HomicideCounts.TABLE),
            Stage.Input.whole(Population.TABLE), Stage.Input.whole(Covariates.TABLE),
            Stage.Input.whole(DrugWarHomicides.TABLE), Stage.Input.whole(RouteExposure.TABLE),
            Stage.Input.whole(TraffickingNetwork.EDGES),
            Stage.Input.whole(RouteExposure.SCENARIO_CHANGES),
            Stage.Input.whole(MunicipalAreas.TABLE),
            Stage.Input.sameYear(InegiCubeSource.REGISTRATION.table()),
            Stage.Input.sameYear(InegiCubeSource.OCCURRENCE.table()),
            Stage.Input.whole(MunicipalHomicides.TABLE), Stage.Input.whole(GeographicUnits.TABLE)),
        "diversion from " + scenarioYears(), this::panelYears, (in, years) -> {
          // The year before each one too: the spatial lag's lag reads it.
          Set<String> withPrevious = new TreeSet<>(years);
          years.forEach(y -> withPrevious.add(Integer.toString(Integer.parseInt(y) - 1)));
          Dataset<Row> homicides = HomicideCounts.ofCubes(
              inYears(in.read(HomicideCounts.TABLE), withPrevious));
          Dataset<Row> municipalities = in.read(Municipalities.TABLE);
          // Materialised once: the neighbourhood columns read the rows four times, and the
          // plan of the joins and pivots behind them, repeated, exhausted memory.
          Dataset<Row> base = MunicipalityYearPanel.build(municipalities, homicides,
              in.read(Population.TABLE), in.read(Covariates.TABLE),
              in.read(DrugWarHomicides.TABLE), in.read(RouteExposure.TABLE),
              in.read(MunicipalAreas.TABLE)).localCheckpoint();
          Dataset<Row> mexico = DiversionExposure.withDiversionExposure(
              SpatialFeatures.withSpatialFeatures(base, SpatialFeatures.neighbours(
                  in.read(TraffickingNetwork.EDGES), municipalities)),
              in.read(RouteExposure.SCENARIO_CHANGES), scenarioYears());
          Dataset<Row> panel = inYears(MunicipalityYearPanel.withYearIndicators(
              mexico.unionByName(centralAmerica.contractPanelRows(in), true)), years);
          Dataset<Row> reconciliation = inYears(Reconciliation.build(
              in.read(InegiCubeSource.REGISTRATION.table()),
              in.read(InegiCubeSource.OCCURRENCE.table()),
              inYears(homicides, years), panel.where(col(MunicipalityYearPanel.COUNTRY_CODE)
                  .equalTo(MunicipalityYearPanel.MEXICO))), years);
          return Stage.Output.of(Map.of(MunicipalityYearPanel.TABLE, panel,
              Reconciliation.TABLE, reconciliation));
        });
  }

  /** The first year of each dated route scenario, for the diversion exposure. */
  private Map<String, Integer> scenarioYears() {
    Map<String, Integer> years = new java.util.TreeMap<>();
    if (config.trafficking().scenarios() != null) {
      config.trafficking().scenarios().stream().filter(s -> s.date() != null)
          .forEach(s -> years.put(s.name(), s.firstYear()));
    }
    return years;
  }

  private Set<Integer> panelYears() {
    return java.util.stream.IntStream.rangeClosed(config.years().first(), config.years().last())
        .boxed().collect(Collectors.toCollection(TreeSet::new));
  }

  /** Years of the panel covered by a homicide source. */
  private Set<Integer> homicideYears() {
    Set<Integer> years = new TreeSet<>();
    for (BronzeSource cube : List.of(InegiCubeSource.REGISTRATION, InegiCubeSource.OCCURRENCE)) {
      sourceFiles(cube).years().overlap(config.years()).forEach(years::add);
    }
    years.addAll(microdata.years());
    return years;
  }

  private static Dataset<Row> inYears(Dataset<Row> rows, Set<String> years) {
    return rows.where(col("year").isin(years.stream().map(Integer::valueOf).toArray()));
  }

  private String parentOverridesFingerprint() {
    String file = config.geography().parentOverrides();
    if (file == null || !new java.io.File(file).isFile()) {
      return "none";
    }
    try {
      return Fingerprints.of(java.nio.file.Files.readString(java.nio.file.Path.of(file)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Official split decrees that replace an inferred parent; part of the configuration. */
  private Dataset<Row> parentOverrides() {
    String file = config.geography().parentOverrides();
    if (file == null) {
      return lakehouse.spark().createDataFrame(List.of(), OVERRIDE_SCHEMA);
    }
    if (!new java.io.File(file).isFile()) {
      throw new ConfigException("geography.parent_overrides", "file " + file + " does not exist");
    }
    Dataset<Row> overrides = lakehouse.spark().read().option("header", "true")
        .option("mode", "FAILFAST").schema(OVERRIDE_SCHEMA).csv(file);
    long malformed = overrides.where(org.apache.spark.sql.functions.not(
        org.apache.spark.sql.functions.col(Municipalities.MUNICIPALITY_CODE).rlike("^\\d{5}$")
            .and(org.apache.spark.sql.functions.col(Municipalities.PARENT_CODE)
                .rlike("^\\d{5}$")))).count();
    if (malformed > 0) {
      throw new ConfigException("geography.parent_overrides", file + " has " + malformed
          + " row(s) whose codes are not 5 digits");
    }
    return overrides;
  }

  private static final StructType OVERRIDE_SCHEMA = new StructType()
      .add(Municipalities.MUNICIPALITY_CODE, DataTypes.StringType)
      .add(Municipalities.PARENT_CODE, DataTypes.StringType)
      .add("decree", DataTypes.StringType);

  /** The summary printed at the end of a run. */
  public static void printSummary(Outcome outcome, Lakehouse lakehouse, PrintStream out) {
    out.println("Run " + outcome.runId() + " on the lakehouse at " + lakehouse.root());
    if (!outcome.changedAnything()) {
      out.println("Nothing to do: no input, setting or code changed since the last run; "
          + "every table is up to date and no version moved (the reconciliation and the "
          + "quarantine are the last run's: gold.reconciliation, bronze.quarantine).");
    }
    out.printf("%-45s %-10s %-12s %12s %8s%n", "table", "action", "parts", "rows written",
        "version");
    for (RunLog.TableReport table : outcome.tables().stream()
        .sorted(java.util.Comparator.comparing(RunLog.TableReport::table)).toList()) {
      out.printf("%-45s %-10s %-12s %12s %8d%n", table.table(), table.action(),
          table.parts() == null ? "" : abbreviate(table.parts()),
          table.rowsWritten() == null ? "" : table.rowsWritten(), table.version());
    }
    outcome.totals().ifPresent(totals -> printTotals(totals, out));
    if (!outcome.fits().isEmpty()) {
      outcome.fits().forEach(fit -> out.println(System.lineSeparator() + ModelTable.describe(fit)));
    } else {
      out.println(System.lineSeparator() + "Models unchanged since their last fit: see "
          + "gold.model_coefficients and " + lakehouse.root() + "/" + ModelTable.FOLDER + "/");
    }
  }

  private static void printTotals(Totals totals, PrintStream out) {
    out.println();
    out.println("Reconciliation (homicides, all years): INEGI total -> silver units -> panel");
    Map<String, long[]> byBasis = new LinkedHashMap<>();
    for (Row row : totals.reconciliation()) {
      long[] sums = byBasis.computeIfAbsent(row.getString(0), b -> new long[9]);
      for (int i = 0; i < 9; i++) {
        sums[i] += row.getLong(i + 2);
      }
    }
    out.printf("%-13s %10s %12s %12s %8s %12s %10s %10s %10s%n", "basis", "INEGI", "municipal",
        "unspecified", "abroad", "unallocated", "in panel", "outside", "difference");
    byBasis.forEach((basis, s) -> out.printf("%-13s %10d %12d %12d %8d %12d %10d %10d %10d%n",
        basis, s[0], s[1], s[2], s[3], s[4], s[6], s[7], s[8]));
    out.println("Quarantined records: " + totals.quarantinedRecords()
        + " (see bronze.quarantine)");
  }

  private static String abbreviate(String parts) {
    return parts.length() <= 12 ? parts : parts.substring(0, 9) + "...";
  }
}
