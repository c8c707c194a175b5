package org.violence.lakehouse.centralamerica;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.bronze.BronzeIngest;
import org.violence.lakehouse.bronze.BronzeSource;
import org.violence.lakehouse.bronze.InputManifest;
import org.violence.lakehouse.bronze.Quarantine;
import org.violence.lakehouse.conf.ConfigException;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.BuildState;
import org.violence.lakehouse.io.Fingerprints;
import org.violence.lakehouse.io.InputException;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.run.Stage;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * The Central American stages of a run, after Mexico's silver tables and before the panel: the
 * OCHA codes and the municipal input contract landed in bronze, the unit dimension and the
 * conformed Central American tables in silver, and the country-year and department-year tables
 * with their reconciliation in gold. The delimited sources are landed with Mexico's.
 */
public final class CentralAmericaStages {
  private final Lakehouse lakehouse;
  private final LakehouseConfig config;
  private final BronzeIngest ingest;
  private final String runId;
  private final Timestamp loadTime;

  public CentralAmericaStages(Lakehouse lakehouse, LakehouseConfig config, BronzeIngest ingest,
      String runId, Timestamp loadTime) {
    this.lakehouse = lakehouse;
    this.config = config;
    this.ingest = ingest;
    this.runId = runId;
    this.loadTime = loadTime;
  }

  /** Every table these stages maintain, in build order. */
  public static List<Table> tables() {
    return List.of(OchaAdmin2.TABLE, CentralAmericaSources.MUNICIPAL_CONTRACT.table(),
        GeographicUnits.TABLE, UnitChanges.TABLE, NationalHomicides.TABLE,
        DepartmentHomicides.TABLE, MunicipalIndicators.TABLE, MunicipalHomicides.TABLE,
        CountryYear.TABLE, DepartmentYear.TABLE, DepartmentReconciliation.TABLE);
  }

  /** Whether users configured a municipal contract source (the shipped config does not). */
  public boolean hasMunicipalContract() {
    return config.sources().containsKey(CentralAmericaSources.MUNICIPAL_CONTRACT_KEY);
  }

  public List<Stage> stages() {
    List<Stage> stages = new ArrayList<>();
    stages.add(ochaStage());
    if (hasMunicipalContract()) {
      stages.add(contractBronzeStage());
    }
    stages.add(Stage.whole(List.of(GeographicUnits.TABLE, UnitChanges.TABLE), List.of(
            Municipalities.TABLE, CentralAmericaSources.SUBDIVISION_CODES.table(),
            OchaAdmin2.TABLE), "", () -> {
          Dataset<Row> municipalities = lakehouse.read(Municipalities.TABLE);
          Dataset<Row> changes = UnitChanges.ofMexicanSplits(municipalities);
          GeographicUnits.Result units = GeographicUnits.build(municipalities,
              bronze(CentralAmericaSources.SUBDIVISION_CODES), lakehouse.read(OchaAdmin2.TABLE),
              changes);
          return new Stage.Output(Map.of(GeographicUnits.TABLE, units.units(),
              UnitChanges.TABLE, TableRows.as(UnitChanges.TABLE, changes)),
              Quarantine.of(GeographicUnits.TABLE, units.refused()));
        }));
    stages.add(Stage.whole(List.of(NationalHomicides.TABLE),
        List.of(CentralAmericaSources.NATIONAL_HOMICIDES.table()), "", () -> {
          NationalHomicides.Result result = NationalHomicides.build(
              bronze(CentralAmericaSources.NATIONAL_HOMICIDES));
          return new Stage.Output(Map.of(NationalHomicides.TABLE, result.series()),
              Quarantine.of(NationalHomicides.TABLE, result.refused()));
        }));
    stages.add(Stage.whole(List.of(DepartmentHomicides.TABLE), List.of(
            CentralAmericaSources.DEPARTMENT_HOMICIDES.table(), GeographicUnits.TABLE), "", () -> {
          DepartmentHomicides.Result result = DepartmentHomicides.build(
              bronze(CentralAmericaSources.DEPARTMENT_HOMICIDES),
              lakehouse.read(GeographicUnits.TABLE), CentralAmericaSources.DEPARTMENT_FILE_YEAR);
          return new Stage.Output(Map.of(DepartmentHomicides.TABLE, result.departments()),
              Quarantine.of(DepartmentHomicides.TABLE, result.refused()));
        }));
    stages.add(Stage.whole(List.of(MunicipalIndicators.TABLE), List.of(
            CentralAmericaSources.SLV_INDICATORS.table(), GeographicUnits.TABLE), "", () -> {
          MunicipalIndicators.Result result = MunicipalIndicators.build(
              bronze(CentralAmericaSources.SLV_INDICATORS), lakehouse.read(GeographicUnits.TABLE));
          return new Stage.Output(Map.of(MunicipalIndicators.TABLE, result.indicators()),
              Quarantine.of(MunicipalIndicators.TABLE, result.refused()));
        }));
    stages.add(contractSilverStage());
    stages.add(Stage.whole(List.of(CountryYear.TABLE, DepartmentYear.TABLE,
            DepartmentReconciliation.TABLE), List.of(NationalHomicides.TABLE,
            DepartmentHomicides.TABLE, HomicideCounts.TABLE, Population.TABLE,
            GeographicUnits.TABLE), "", () -> {
          Dataset<Row> homicides = lakehouse.read(HomicideCounts.TABLE);
          Dataset<Row> population = lakehouse.read(Population.TABLE);
          Dataset<Row> countryYear = CountryYear.build(lakehouse.read(NationalHomicides.TABLE),
              homicides, population).persist();
          Dataset<Row> departmentYear = DepartmentYear.build(
              lakehouse.read(DepartmentHomicides.TABLE), homicides, population,
              lakehouse.read(GeographicUnits.TABLE)).persist();
          return new Stage.Output(Map.of(CountryYear.TABLE, countryYear, DepartmentYear.TABLE,
              departmentYear, DepartmentReconciliation.TABLE,
              DepartmentReconciliation.build(departmentYear, countryYear)), noRefusals());
        }));
    return stages;
  }

  /** The contract's municipalities as panel rows (none when no contract is configured). */
  public Dataset<Row> contractPanelRows() {
    return MunicipalHomicides.panelRows(lakehouse.read(MunicipalHomicides.TABLE),
        lakehouse.read(GeographicUnits.TABLE));
  }

  private Stage ochaStage() {
    LakehouseConfig.SourceFile files = required(OchaAdmin2.CONFIG_KEY);
    BronzeIngest.RawFile file = new BronzeIngest.RawFile(files.path(), null);
    return Stage.fromState(List.of(OchaAdmin2.TABLE), stateOf -> BuildState.whole(
        Fingerprints.of(Fingerprints.codeVersion(), files.path(), files.encoding(),
            scan(OchaAdmin2.CONFIG_KEY, file).sha256())), null,
        parts -> new Stage.Output(Map.of(OchaAdmin2.TABLE, OchaAdmin2.land(lakehouse.spark(),
            files.path(), readBytes(files.path()), Charset.forName(files.encoding()), runId,
            loadTime)), noRefusals()));
  }

  private Stage contractBronzeStage() {
    BronzeSource source = CentralAmericaSources.MUNICIPAL_CONTRACT;
    LakehouseConfig.SourceFile files = config.sources().get(source.configKey());
    List<BronzeIngest.RawFile> raw = ingest.filesOf(files, config.years());
    return Stage.fromState(List.of(source.table()), stateOf -> BuildState.whole(
        Fingerprints.of(Fingerprints.codeVersion(), files.path(), files.encoding(),
            Fingerprints.of(raw.stream().map(f -> f.path() + "@" + scan(source.configKey(), f)
                .sha256()).toArray(String[]::new)))), null, parts -> {
          BronzeIngest.Landed landed = ingest.land(source, files, raw);
          return new Stage.Output(Map.of(source.table(), landed.rows()), landed.quarantined());
        });
  }

  private Stage contractSilverStage() {
    List<Table> inputs = hasMunicipalContract()
        ? List.of(CentralAmericaSources.MUNICIPAL_CONTRACT.table(), GeographicUnits.TABLE)
        : List.of(GeographicUnits.TABLE);
    return Stage.whole(List.of(MunicipalHomicides.TABLE), inputs,
        "contract " + hasMunicipalContract(), () -> {
          if (!hasMunicipalContract()) {
            return new Stage.Output(Map.of(MunicipalHomicides.TABLE, lakehouse.spark()
                .createDataFrame(List.of(), MunicipalHomicides.TABLE.schema())), noRefusals());
          }
          MunicipalHomicides.Result result = MunicipalHomicides.build(
              bronze(CentralAmericaSources.MUNICIPAL_CONTRACT),
              lakehouse.read(GeographicUnits.TABLE));
          return new Stage.Output(Map.of(MunicipalHomicides.TABLE, result.counts()),
              Quarantine.of(MunicipalHomicides.TABLE, result.refused()));
        });
  }

  private LakehouseConfig.SourceFile required(String key) {
    LakehouseConfig.SourceFile files = config.sources().get(key);
    if (files == null) {
      throw new ConfigException("sources." + key, "missing; the pipeline reads this source");
    }
    return files;
  }

  private InputManifest.Entry scan(String key, BronzeIngest.RawFile file) {
    return InputManifest.scan(hadoop(), root(), key, file);
  }

  private byte[] readBytes(String relative) {
    Path path = new Path(root() + relative);
    try (InputStream in = path.getFileSystem(hadoop()).open(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw InputException.forFile(relative, "cannot be read: " + e.getMessage());
    }
  }

  private Configuration hadoop() {
    return lakehouse.spark().sparkContext().hadoopConfiguration();
  }

  private String root() {
    return config.inputs().endsWith("/") ? config.inputs() : config.inputs() + "/";
  }

  private Dataset<Row> bronze(BronzeSource source) {
    return lakehouse.read(source.table());
  }

  private Dataset<Row> noRefusals() {
    return lakehouse.spark().createDataFrame(List.of(), Quarantine.SCHEMA);
  }
}
