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
import org.violence.lakehouse.run.Quarantine;
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
  private static final LakehouseConfig.SourceFile NO_CONTRACT = new LakehouseConfig.SourceFile(
      "(no municipal contract configured)", "UTF-8", null);

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
  private boolean hasMunicipalContract() {
    return config.sources().containsKey(CentralAmericaSources.MUNICIPAL_CONTRACT_KEY);
  }

  /**
   * Three stages: the two non-delimited bronze tables, the silver tables, the gold tables. The
   * tables are small and always rebuilt together, so one stage per layer keeps a run's fixed
   * costs (fingerprints, quarantine write, input counts) to three.
   */
  public List<Stage> stages() {
    return List.of(landingStage(), silverStage(), goldStage());
  }

  private Stage silverStage() {
    return Stage.whole(List.of(GeographicUnits.TABLE, UnitChanges.TABLE,
            NationalHomicides.TABLE, DepartmentHomicides.TABLE, MunicipalIndicators.TABLE,
            MunicipalHomicides.TABLE), List.of(Municipalities.TABLE,
            CentralAmericaSources.SUBDIVISION_CODES.table(), OchaAdmin2.TABLE,
            CentralAmericaSources.NATIONAL_HOMICIDES.table(),
            CentralAmericaSources.DEPARTMENT_HOMICIDES.table(),
            CentralAmericaSources.SLV_INDICATORS.table(),
            CentralAmericaSources.MUNICIPAL_CONTRACT.table()), "", in -> {
          Dataset<Row> municipalities = in.read(Municipalities.TABLE);
          Dataset<Row> changes = UnitChanges.ofMexicanSplits(municipalities);
          GeographicUnits.Result units = GeographicUnits.build(municipalities,
              in.read(CentralAmericaSources.SUBDIVISION_CODES.table()), in.read(OchaAdmin2.TABLE),
              changes);
          Dataset<Row> unitRows = in.computeOnce(units.units());
          NationalHomicides.Result national = NationalHomicides.build(
              in.read(CentralAmericaSources.NATIONAL_HOMICIDES.table()));
          DepartmentHomicides.Result departments = DepartmentHomicides.build(
              in.read(CentralAmericaSources.DEPARTMENT_HOMICIDES.table()), unitRows,
              CentralAmericaSources.DEPARTMENT_FILE_YEAR);
          MunicipalIndicators.Result indicators = MunicipalIndicators.build(
              in.read(CentralAmericaSources.SLV_INDICATORS.table()), unitRows);
          MunicipalHomicides.Result contract = MunicipalHomicides.build(
              in.read(CentralAmericaSources.MUNICIPAL_CONTRACT.table()), unitRows);
          return new Stage.Output(Map.of(GeographicUnits.TABLE, unitRows,
              UnitChanges.TABLE, UnitChanges.TABLE.conformed(changes),
              NationalHomicides.TABLE, national.series(),
              DepartmentHomicides.TABLE, departments.departments(),
              MunicipalIndicators.TABLE, indicators.indicators(),
              MunicipalHomicides.TABLE, contract.counts()),
              Quarantine.of(GeographicUnits.TABLE, units.refused())
                  .unionByName(Quarantine.of(NationalHomicides.TABLE, national.refused()))
                  .unionByName(Quarantine.of(DepartmentHomicides.TABLE, departments.refused()))
                  .unionByName(Quarantine.of(MunicipalIndicators.TABLE, indicators.refused()))
                  .unionByName(Quarantine.of(MunicipalHomicides.TABLE, contract.refused())));
        });
  }

  private Stage goldStage() {
    return Stage.whole(List.of(CountryYear.TABLE, DepartmentYear.TABLE,
            DepartmentReconciliation.TABLE), List.of(NationalHomicides.TABLE,
            DepartmentHomicides.TABLE, HomicideCounts.TABLE, Population.TABLE,
            GeographicUnits.TABLE), "", in -> {
          Dataset<Row> homicides = HomicideCounts.ofCubes(in.read(HomicideCounts.TABLE));
          Dataset<Row> population = in.read(Population.TABLE);
          Dataset<Row> countryYear = in.computeOnce(CountryYear.build(
              in.read(NationalHomicides.TABLE), homicides, population));
          Dataset<Row> departmentYear = in.computeOnce(DepartmentYear.build(
              in.read(DepartmentHomicides.TABLE), homicides, population,
              in.read(GeographicUnits.TABLE)));
          return Stage.Output.of(Map.of(CountryYear.TABLE, countryYear, DepartmentYear.TABLE,
              departmentYear, DepartmentReconciliation.TABLE,
              DepartmentReconciliation.build(departmentYear, countryYear)));
        });
  }

  /**
   * OCHA's .dbf (binary, so not among the delimited sources) and the municipal contract, landed
   * again when a file's checksum, the settings or the code change. The contract's table is
   * empty while no contract source is configured.
   */
  private Stage landingStage() {
    LakehouseConfig.SourceFile ocha = required(OchaAdmin2.CONFIG_KEY);
    BronzeSource contract = CentralAmericaSources.MUNICIPAL_CONTRACT;
    LakehouseConfig.SourceFile contractFiles = config.sources().getOrDefault(
        contract.configKey(), NO_CONTRACT);
    List<BronzeIngest.RawFile> contractRaw = hasMunicipalContract()
        ? ingest.filesOf(contractFiles, config.years()) : List.of();
    return Stage.fromState(List.of(OchaAdmin2.TABLE, contract.table()), stateOf -> {
      List<String> state = new ArrayList<>(List.of(Fingerprints.codeVersion(), ocha.path(),
          ocha.encoding(), scan(OchaAdmin2.CONFIG_KEY, new BronzeIngest.RawFile(ocha.path(),
              null)).sha256(), contractFiles.path(), contractFiles.encoding()));
      contractRaw.forEach(f -> state.add(f.path() + "@" + scan(contract.configKey(), f)
          .sha256()));
      return BuildState.whole(Fingerprints.of(state.toArray(String[]::new)));
    }, null, parts -> {
      BronzeIngest.Landed landed = ingest.land(contract, contractFiles, contractRaw);
      return Stage.Output.of(Map.of(OchaAdmin2.TABLE, OchaAdmin2.land(lakehouse.spark(),
          ocha.path(), readBytes(ocha.path()), Charset.forName(ocha.encoding()), runId,
          loadTime), contract.table(), landed.rows()), landed.quarantined());
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
    return InputManifest.scan(hadoop(), config.inputsFolder(), key, file);
  }

  private byte[] readBytes(String relative) {
    Path path = new Path(config.inputsFolder() + relative);
    try (InputStream in = path.getFileSystem(hadoop()).open(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw InputException.forFile(relative, "cannot be read: " + e.getMessage());
    }
  }

  private Configuration hadoop() {
    return lakehouse.spark().sparkContext().hadoopConfiguration();
  }
}
