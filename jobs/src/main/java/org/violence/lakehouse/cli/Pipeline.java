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
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.violence.lakehouse.bronze.BronzeIngest;
import org.violence.lakehouse.bronze.BronzeSource;
import org.violence.lakehouse.bronze.BronzeStages;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.catalog.Tables;
import org.violence.lakehouse.centralamerica.CentralAmericaStages;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.microdata.DeathRecordCounts;
import org.violence.lakehouse.microdata.DeathRecords;
import org.violence.lakehouse.microdata.MicrodataStages;
import org.violence.lakehouse.model.ModelStage;
import org.violence.lakehouse.model.ModelTable;
import org.violence.lakehouse.model.PanelModel;
import org.violence.lakehouse.quality.QualityGate;
import org.violence.lakehouse.reconcile.DrugWarReconciliation;
import org.violence.lakehouse.reconcile.ReconciledPanel;
import org.violence.lakehouse.reconcile.Reconciliation;
import org.violence.lakehouse.routes.RouteStage;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.run.RunLog;
import org.violence.lakehouse.run.RunProfile;
import org.violence.lakehouse.run.Stage;
import org.violence.lakehouse.run.StageRunner;
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
   * code): on 2 cores, a third stage fills the gaps while the other two plan or commit on one
   * core (full run 1990-2015: 89.8 s of stages against 92.8 s with two, and 94 s with four;
   * jobs/BENCHMARKS.md). Each holds its candidates in memory.
   */
  private static final int CONCURRENT_STAGES = 3;
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
      BronzeStages bronze = BronzeStages.scan(lakehouse.spark(), config, ingest, Tables.SOURCES,
          List.of(MunicipalAreas.POLYGONS_SOURCE));
      List<Stage> stages = new ArrayList<>(bronze.stages());
      stages.add(MunicipalAreas.stage(lakehouse, config,
          bronze.input(MunicipalAreas.POLYGONS_SOURCE)));
      stages.add(microdata.bronze(runId, loadTime));
      stages.addAll(List.of(Municipalities.stage(lakehouse.spark(), config.geography()),
          microdata.counts(), HomicideCounts.stage(this::homicideYears, DeathRecordCounts.TABLE,
              DeathRecordCounts::homicides), Population.stage(config.years()),
          Covariates.stage(config.years(), config.covariateFill()), DrugWarHomicides.stage(),
          RouteStage.stage(config.trafficking())));
      stages.addAll(centralAmerica.stages());
      stages.add(ReconciledPanel.stage(config));
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

  /** Years of the panel covered by a homicide source. */
  private Set<Integer> homicideYears() {
    Set<Integer> years = new TreeSet<>();
    for (BronzeSource cube : List.of(InegiCubeSource.REGISTRATION, InegiCubeSource.OCCURRENCE)) {
      config.sources().get(cube.configKey()).years().overlap(config.years()).forEach(years::add);
    }
    years.addAll(microdata.years());
    return years;
  }

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
