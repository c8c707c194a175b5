package org.violence.lakehouse.cli;

import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.bronze.BronzeIngest;
import org.violence.lakehouse.bronze.BronzeSource;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.bronze.Quarantine;
import org.violence.lakehouse.conf.ConfigException;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.model.PanelModel;
import org.violence.lakehouse.reconcile.Reconciliation;
import org.violence.lakehouse.routes.RouteExposure;
import org.violence.lakehouse.routes.RouteStage;
import org.violence.lakehouse.silver.Covariates;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * One full run: raw files to bronze, silver, the gold panel, the configured models and the
 * reconciliation. Every layer is read back from the lakehouse before the next is built, so each
 * layer depends only on the tables below it, as a nightly rebuild of one layer would.
 */
public final class Pipeline {
  /** Every raw source, in the order they are landed. */
  static final List<BronzeSource> SOURCES = List.of(InegiCubeSource.REGISTRATION,
      InegiCubeSource.OCCURRENCE, DelimitedSources.POPULATION_ESTIMATES,
      DelimitedSources.CONEVAL_INDICATORS, DelimitedSources.MARGINALISATION,
      DelimitedSources.MARGINALISATION_2020, DelimitedSources.CENSUS_COUNTS,
      DelimitedSources.CATALOGUE_2015, DelimitedSources.CATALOGUE_2020,
      DelimitedSources.MUNICIPALITY_HEADS, DelimitedSources.METRO_ZONES,
      DelimitedSources.ADJACENCY, DelimitedSources.PORTS_OF_ENTRY,
      DelimitedSources.POPPY_ERADICATION, DelimitedSources.MARIJUANA_ERADICATION,
      DelimitedSources.DRUG_LAB_DENSITY, DelimitedSources.PIPELINE_MUNICIPALITIES);

  private final LakehouseConfig config;
  private final Lakehouse lakehouse;
  private final String runId;
  private final Timestamp loadTime;
  private final Map<Table, Long> versions = new LinkedHashMap<>();
  private final List<Dataset<Row>> quarantined = new ArrayList<>();

  public Pipeline(SparkSession spark, LakehouseConfig config) {
    this.config = config;
    this.lakehouse = new Lakehouse(spark, config.lakehouse());
    Instant now = Instant.now();
    this.runId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
        .format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.loadTime = Timestamp.from(now);
  }

  /** What a run produced, for the summary and for tests. */
  public record Outcome(String runId, Map<Table, Long> versions, long quarantinedRecords,
      List<Row> reconciliation, List<PanelModel.Fit> fits) {}

  public Outcome run() {
    landBronze();
    Dataset<Row> municipalities = buildSilver();
    Dataset<Row> panel = buildPanel(municipalities);
    List<PanelModel.Fit> fits = fitModels(panel);
    List<Row> reconciliation = reconcile();
    long quarantinedRecords = lakehouse.read(Quarantine.TABLE).count();
    return new Outcome(runId, Map.copyOf(versions), quarantinedRecords, reconciliation, fits);
  }

  private void landBronze() {
    BronzeIngest ingest = new BronzeIngest(lakehouse.spark(), config.inputs(), runId, loadTime);
    for (BronzeSource source : SOURCES) {
      BronzeIngest.Landed landed = ingest.land(source, config.sources().get(source.configKey()),
          config.years());
      write(source.table(), landed.rows());
      quarantined.add(landed.quarantined());
    }
  }

  private Dataset<Row> buildSilver() {
    Municipalities.Inputs inputs = new Municipalities.Inputs(
        bronze(DelimitedSources.CENSUS_COUNTS), bronze(DelimitedSources.CATALOGUE_2015),
        bronze(DelimitedSources.CATALOGUE_2020), bronze(DelimitedSources.POPULATION_ESTIMATES),
        bronze(DelimitedSources.ADJACENCY), bronze(DelimitedSources.METRO_ZONES),
        bronze(DelimitedSources.MUNICIPALITY_HEADS), parentOverrides());
    write(Municipalities.TABLE,
        Municipalities.build(inputs, config.geography().baseVintage()));
    Dataset<Row> municipalities = lakehouse.read(Municipalities.TABLE);

    HomicideCounts.Result homicides = HomicideCounts.build(
        bronze(InegiCubeSource.REGISTRATION), bronze(InegiCubeSource.OCCURRENCE), municipalities);
    write(HomicideCounts.TABLE, homicides.counts());
    quarantined.add(Quarantine.of(HomicideCounts.TABLE, homicides.refused()));

    Population.Result population = Population.build(
        bronze(DelimitedSources.POPULATION_ESTIMATES), municipalities, config.years());
    write(Population.TABLE, population.population());
    quarantined.add(Quarantine.of(Population.TABLE, population.refused()));

    Covariates.Result covariates = Covariates.build(new Covariates.Inputs(
            bronze(DelimitedSources.CONEVAL_INDICATORS), bronze(DelimitedSources.MARGINALISATION),
            bronze(DelimitedSources.MARGINALISATION_2020),
            bronze(DelimitedSources.POPULATION_ESTIMATES)),
        municipalities, config.years(), config.covariateFill());
    write(Covariates.TABLE, covariates.covariates());
    quarantined.add(Quarantine.of(Covariates.TABLE, covariates.refused()));

    quarantined.add(RouteStage.run(lakehouse::read, this::write, config.trafficking()).refused());

    write(Quarantine.TABLE, quarantined.stream().reduce(Dataset::unionByName).orElseThrow());
    return municipalities;
  }

  private Dataset<Row> buildPanel(Dataset<Row> municipalities) {
    write(MunicipalityYearPanel.TABLE, MunicipalityYearPanel.build(municipalities,
        lakehouse.read(HomicideCounts.TABLE), lakehouse.read(Population.TABLE),
        lakehouse.read(Covariates.TABLE), lakehouse.read(RouteExposure.TABLE)));
    return lakehouse.read(MunicipalityYearPanel.TABLE);
  }

  private List<PanelModel.Fit> fitModels(Dataset<Row> panel) {
    long panelVersion = versions.get(MunicipalityYearPanel.TABLE);
    List<PanelModel.Fit> fits = new ArrayList<>();
    for (LakehouseConfig.ModelSpec spec : config.models()) {
      lakehouse.spark().sparkContext().setJobDescription("fit model " + spec.name());
      fits.add(PanelModel.fit(panel, spec, MunicipalityYearPanel.TABLE.qualifiedName(),
          panelVersion, runId));
    }
    write(PanelModel.RUNS, PanelModel.runs(lakehouse.spark(), fits));
    write(PanelModel.COEFFICIENTS, PanelModel.coefficients(lakehouse.spark(), fits));
    return fits;
  }

  private List<Row> reconcile() {
    write(Reconciliation.TABLE, Reconciliation.build(bronze(InegiCubeSource.REGISTRATION),
        bronze(InegiCubeSource.OCCURRENCE), lakehouse.read(HomicideCounts.TABLE),
        lakehouse.read(MunicipalityYearPanel.TABLE)));
    return lakehouse.read(Reconciliation.TABLE).orderBy(Reconciliation.BASIS,
        Reconciliation.YEAR).collectAsList();
  }

  private Dataset<Row> bronze(BronzeSource source) {
    return lakehouse.read(source.table());
  }

  private void write(Table table, Dataset<Row> rows) {
    versions.put(table, lakehouse.replace(table, rows));
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
    out.println("Run " + outcome.runId() + " wrote the lakehouse at " + lakehouse.root());
    out.printf("%-45s %10s %8s%n", "table", "rows", "version");
    for (Map.Entry<Table, Long> entry : outcome.versions().entrySet().stream()
        .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(Table::qualifiedName)))
        .toList()) {
      out.printf("%-45s %10d %8d%n", entry.getKey().qualifiedName(),
          lakehouse.read(entry.getKey()).count(), entry.getValue());
    }
    out.println();
    out.println("Reconciliation (homicides, all years): INEGI total -> silver units -> panel");
    Map<String, long[]> byBasis = new LinkedHashMap<>();
    for (Row row : outcome.reconciliation()) {
      long[] sums = byBasis.computeIfAbsent(row.getString(0), b -> new long[9]);
      for (int i = 0; i < 9; i++) {
        sums[i] += row.getLong(i + 2);
      }
    }
    out.printf("%-13s %10s %12s %12s %8s %12s %10s %10s %10s%n", "basis", "INEGI", "municipal",
        "unspecified", "abroad", "unallocated", "in panel", "outside", "difference");
    byBasis.forEach((basis, s) -> out.printf("%-13s %10d %12d %12d %8d %12d %10d %10d %10d%n",
        basis, s[0], s[1], s[2], s[3], s[4], s[6], s[7], s[8]));
    out.println("Quarantined records: " + outcome.quarantinedRecords()
        + " (see bronze.quarantine)");
    for (PanelModel.Fit fit : outcome.fits()) {
      Row run = fit.run();
      out.println();
      out.printf("Model %s: %s %s, n=%d, %s after %d iterations%n", run.getString(0),
          run.getString(2), run.getString(3), run.getLong(11),
          run.getBoolean(14) ? "converged" : "NOT converged", run.getInt(13));
      for (Row c : fit.coefficients()) {
        if (!c.getString(2).startsWith("year_")) {
          out.printf("  %-18s %12.6f  (se %.6f)%n", c.getString(2), c.getDouble(3),
              c.getDouble(4));
        }
      }
    }
  }
}
