package org.violence.lakehouse.centralamerica;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.reconcile.Reconciliation;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.Municipalities;

/**
 * The Central American files as the shared small run lands them. Expected values were counted
 * independently from the raw files with a Python script (csv + unicodedata, names normalised
 * the same way, the seven resolved names placed by hand): 93 department rows; department sums
 * minus national 2010 totals: GTM 5,960 - 5,960 = 0, SLV 4,005 - 4,004 = 1, HND 6,239 - 6,236 =
 * 3, NIC 785 - 703 = 82, CRI 527 - 486 = 41, BLZ 129 - 135 = -6, PAN 759 - 818 = -59; 106
 * country rows and 12 rows of a group of Mexican states; of El Salvador's 262 named rows 256
 * match OCHA by normalised name, 6 only under another name, and the footer matches nothing.
 */
class CentralAmericaOnRealFilesTest extends LakehouseTestBase {

  private Lakehouse lakehouse() {
    return smallRun().lakehouse();
  }

  private List<Row> quarantinedBy(String table) {
    return lakehouse().read(Quarantine.TABLE).where(col(Quarantine.STAGE).equalTo(table))
        .orderBy(col("line_number")).collectAsList();
  }

  @Test
  void everyDepartmentOf2010MapsToExactlyOneCode() {
    Dataset<Row> departments = lakehouse().read(DepartmentHomicides.TABLE);
    Assertions.assertEquals(93, departments.count());
    Assertions.assertEquals(93, departments.select(DepartmentHomicides.ADMIN1_CODE).distinct()
        .count(), "no two rows share a code");
    Assertions.assertTrue(quarantinedBy(DepartmentHomicides.TABLE.qualifiedName()).isEmpty());
    Map<String, String> codeOfLaPaz = departments.where(col(DepartmentHomicides.PUBLISHED_NAME)
            .isin("La Paz", "COLON", "Colón")).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs(DepartmentHomicides.PUBLISHED_NAME) + " "
            + r.<Long>getAs(DepartmentHomicides.HOMICIDES), r -> r.getAs(
                DepartmentHomicides.ADMIN1_CODE)));
    Assertions.assertEquals(Map.of("La Paz 189", "SV-PA", "La Paz 61", "HN-LP",
        "COLON 260", "HN-CL", "Colón 133", "PA-3"), codeOfLaPaz);
    // The four subdivisions without a 2010 row: Panamá Oeste (2014) and the three comarcas.
    List<String> missing = lakehouse().read(GeographicUnits.TABLE)
        .where(col(GeographicUnits.ADMIN_LEVEL).equalTo(1).and(
            col(GeographicUnits.COUNTRY_CODE).notEqual(Countries.MEXICO)))
        .join(departments, col(GeographicUnits.UNIT_CODE).equalTo(
            col(DepartmentHomicides.ADMIN1_CODE)), "left_anti")
        .select(GeographicUnits.UNIT_CODE).orderBy(GeographicUnits.UNIT_CODE)
        .collectAsList().stream().map(r -> r.getString(0)).toList();
    Assertions.assertEquals(List.of("PA-10", "PA-EM", "PA-KY", "PA-NB"), missing);
  }

  @Test
  void departmentSumsAreReconciledWithNationalTotalsOf2010() {
    Map<String, Long> differences = new TreeMap<>();
    lakehouse().read(DepartmentReconciliation.TABLE)
        .where(col(CountryYear.YEAR).equalTo(2010)
            .and(col(GeographicUnits.COUNTRY_CODE).notEqual(Countries.MEXICO)))
        .collectAsList().forEach(r -> differences.put(r.getAs(GeographicUnits.COUNTRY_CODE),
            r.getAs(DepartmentReconciliation.DIFFERENCE)));
    Assertions.assertEquals(Map.of("BLZ", -6L, "CRI", 41L, "GTM", 0L, "HND", 3L, "NIC", 82L,
        "PAN", -59L, "SLV", 1L), differences);
    // Mexico: the states fall short of INEGI's national total by the deaths abroad, per basis.
    Map<String, Long> abroad = new TreeMap<>();
    lakehouse().read(HomicideCounts.TABLE).where(col(HomicideCounts.YEAR).equalTo(2010)
            .and(col(HomicideCounts.UNIT_KIND).equalTo(HomicideCounts.ABROAD)))
        .groupBy(HomicideCounts.BASIS).sum("homicides").collectAsList()
        .forEach(r -> abroad.put(CountryYear.MEXICAN_SOURCE + r.getString(0), r.getLong(1)));
    Map<String, Long> mexico = new TreeMap<>();
    lakehouse().read(DepartmentReconciliation.TABLE).where(col(CountryYear.YEAR).equalTo(2010)
            .and(col(GeographicUnits.COUNTRY_CODE).equalTo(Countries.MEXICO)))
        .collectAsList().forEach(r -> mexico.put(r.getAs(DepartmentReconciliation.NATIONAL_SOURCE),
            r.getAs(DepartmentReconciliation.DIFFERENCE)));
    for (String source : mexico.keySet()) {
      Assertions.assertEquals(abroad.getOrDefault(source, 0L), mexico.get(source), source);
    }
    Assertions.assertEquals(2, mexico.size(), "both bases");
  }

  @Test
  void countryYearSourcesAreAllKeptAndLabelled() {
    Dataset<Row> series = lakehouse().read(NationalHomicides.TABLE);
    Assertions.assertEquals(106, series.count());
    Assertions.assertEquals(0, series.where(col(NationalHomicides.SOURCE).isNull()
        .or(col(NationalHomicides.SOURCE_TYPE).isNull())).count());
    List<Row> groups = quarantinedBy(NationalHomicides.TABLE.qualifiedName());
    Assertions.assertEquals(12, groups.size());
    groups.forEach(r -> Assertions.assertTrue(r.<String>getAs(Quarantine.REASON)
        .contains("is not a country of the study"), r.toString()));

    Dataset<Row> countryYear = lakehouse().read(CountryYear.TABLE);
    Assertions.assertEquals(106 + 2 * 2, countryYear.count(), "Mexico: 2 bases x 2009-2010");
    Assertions.assertEquals(8, countryYear.select(GeographicUnits.COUNTRY_CODE).distinct()
        .count());
    Row honduras2011 = countryYear.where("country_code = 'HND' AND year = 2011").first();
    Assertions.assertEquals(91.6, honduras2011.<Double>getAs(CountryYear.RATE), 1e-9);
    Assertions.assertEquals("OCAVI/National police", honduras2011.getAs(CountryYear.SOURCE));
    // Mexico's registration row is INEGI's national total, as reconciled in gold.reconciliation.
    long inegi = lakehouse().read(Reconciliation.TABLE)
        .where("basis = 'registration' AND year = 2010").first()
        .getAs(Reconciliation.INEGI_TOTAL);
    Row mexico = countryYear.where(col(GeographicUnits.COUNTRY_CODE).equalTo("MEX")
        .and(col(CountryYear.YEAR).equalTo(2010)).and(col(CountryYear.SOURCE)
            .equalTo(CountryYear.MEXICAN_SOURCE + "registration"))).first();
    Assertions.assertEquals(inegi, (long) mexico.<Long>getAs(CountryYear.HOMICIDES));
    // INEGI published 25,757 homicides registered in 2010, a rate of 23 per 100,000 (its own
    // population base): CONAPO's is close enough to agree within one point.
    Assertions.assertEquals(25757L, inegi);
    Assertions.assertEquals(23.0, mexico.<Double>getAs(CountryYear.RATE), 1.0);
  }

  @Test
  void salvadoranMunicipalNamesMatchTheirCodesOrAreQuarantined() {
    Dataset<Row> indicators = lakehouse().read(MunicipalIndicators.TABLE);
    Assertions.assertEquals(262, indicators.count());
    Assertions.assertEquals(6, indicators.where(col(MunicipalIndicators.MATCHED_BY)
        .notEqual("normalised name")).count());
    Row santaTecla = indicators.where(col(MunicipalIndicators.PUBLISHED_NAME)
        .equalTo("la libertad / santa tecla")).first();
    Assertions.assertEquals("SV0510", santaTecla.getAs(MunicipalIndicators.MUNICIPALITY_CODE));
    Assertions.assertEquals("SV-LI", santaTecla.getAs(MunicipalIndicators.DEPARTMENT_CODE));
    List<Row> unmatched = quarantinedBy(MunicipalIndicators.TABLE.qualifiedName());
    Assertions.assertEquals(1, unmatched.size());
    Assertions.assertEquals(264L, (long) unmatched.get(0).<Long>getAs("line_number"));
    Assertions.assertTrue(unmatched.get(0).<String>getAs(Quarantine.REASON)
        .startsWith("'fuente: digestyc"), unmatched.get(0).toString());

    // Every one of OCHA's 262 municipalities has its indicators; the 4 water bodies are refused.
    Dataset<Row> municipalities = lakehouse().read(GeographicUnits.TABLE).where(
        "country_code = 'SLV' AND admin_level = 2");
    Assertions.assertEquals(262, municipalities.count());
    Assertions.assertEquals(0, municipalities.join(indicators, col(GeographicUnits.UNIT_CODE)
        .equalTo(col(MunicipalIndicators.MUNICIPALITY_CODE)), "left_anti").count());
    List<String> waterBodies = quarantinedBy(GeographicUnits.TABLE.qualifiedName()).stream()
        .map(r -> r.<String>getAs(Quarantine.RECORD).split(" ")[0]).sorted().toList();
    Assertions.assertEquals(List.of("SV0399", "SV1099", "SV1298", "SV1299"), waterBodies);
  }

  @Test
  void mexicanCodesAndStableUnitsAreUnchangedInsideTheMultiCountryKeys() {
    Dataset<Row> mexican = lakehouse().read(GeographicUnits.TABLE)
        .where("country_code = 'MEX' AND admin_level = 2")
        .withColumnRenamed(GeographicUnits.PARENT_CODE, "unit_parent");
    Dataset<Row> municipalities = lakehouse().read(Municipalities.TABLE);
    Assertions.assertEquals(municipalities.count(), mexican.count());
    Assertions.assertEquals(0, mexican.join(municipalities, col(GeographicUnits.UNIT_CODE)
            .equalTo(col(Municipalities.MUNICIPALITY_CODE))
            .and(col(GeographicUnits.STABLE_CODE).equalTo(col(Municipalities.STABLE_CODE)))
            .and(col("unit_parent").equalTo(col(Municipalities.STATE_CODE))),
        "left_anti").count(), "same code, state and stable unit as silver.municipalities");
    Assertions.assertEquals(32, lakehouse().read(GeographicUnits.TABLE)
        .where("country_code = 'MEX' AND admin_level = 1").count());
    Assertions.assertEquals(14, lakehouse().read(GeographicUnits.TABLE)
        .where("country_code = 'SLV' AND admin_level = 1 AND alternate_code LIKE 'SV__'")
        .count(), "every Salvadoran department has its OCHA P-code");
  }

  /**
   * A merger and splits in one table: B and C merge into M in 2024, while P lost Q in 1995 and
   * A (later merged into M too) lost A2 in 2000. Every unit ends at its coarsest container.
   */
  @Test
  void mergersAndSplitsShareOneChangesTable() {
    StructType units = new StructType().add(GeographicUnits.COUNTRY_CODE, DataTypes.StringType)
        .add(GeographicUnits.ADMIN_LEVEL, DataTypes.IntegerType)
        .add(GeographicUnits.UNIT_CODE, DataTypes.StringType);
    List<Row> unitRows = new ArrayList<>();
    for (String code : List.of("P", "Q", "A", "A2", "B", "C", "M")) {
      unitRows.add(RowFactory.create("SLV", 2, code));
    }
    List<Row> changeRows = List.of(
        RowFactory.create("SLV", 2, "P", "Q", UnitChanges.SPLIT, 1995, "decree", "test case"),
        RowFactory.create("SLV", 2, "A", "A2", UnitChanges.SPLIT, 2000, "decree", "test case"),
        RowFactory.create("SLV", 2, "A", "M", UnitChanges.MERGER, 2024, "law", "test case"),
        RowFactory.create("SLV", 2, "B", "M", UnitChanges.MERGER, 2024, "law", "test case"),
        RowFactory.create("SLV", 2, "C", "M", UnitChanges.MERGER, 2024, "law", "test case"));
    Dataset<Row> stable = UnitChanges.withStableUnits(
        spark().createDataFrame(unitRows, units),
        spark().createDataFrame(changeRows, UnitChanges.TABLE.schema()));
    Map<String, String> stableOf = new TreeMap<>();
    stable.collectAsList().forEach(r -> stableOf.put(r.getAs(GeographicUnits.UNIT_CODE),
        r.getAs(GeographicUnits.STABLE_CODE)));
    Assertions.assertEquals(Map.of("P", "P", "Q", "P", "A", "M", "A2", "M", "B", "M", "C", "M",
        "M", "M"), stableOf);
  }

  /** The notebook's queries, run on the gold table under the name the notebook runner gives. */
  @Test
  void notebookComparesTheEightCountriesOverTime() throws Exception {
    String notebook = Files.readString(projectDir().resolve(
        "notebooks/central_america_homicide_rates.sql"));
    Assertions.assertTrue(notebook.startsWith("-- Databricks notebook source\n"));
    List<String> queries = java.util.Arrays.stream(notebook.split("-- COMMAND ----------"))
        .map(cell -> cell.replace("-- Databricks notebook source", "").strip())
        .filter(cell -> !cell.isEmpty() && !cell.startsWith("-- MAGIC")).toList();
    Assertions.assertEquals(4, queries.size());
    org.violence.lakehouse.analyst.SqlCatalog.register(lakehouse());
    List<List<Row>> results = new ArrayList<>();
    for (String query : queries) {
      results.add(spark().sql(query).collectAsList());
    }
    List<Row> sideBySide = results.get(1);
    Assertions.assertEquals(17, sideBySide.size(), "1995-2011");
    Row year2010 = sideBySide.stream().filter(r -> r.getInt(0) == 2010).findFirst().orElseThrow();
    Assertions.assertEquals(82.1, year2010.<Double>getAs("honduras"), 1e-9);
    Assertions.assertEquals(64.7, year2010.<Double>getAs("el_salvador"), 1e-9);
    Assertions.assertEquals(41.4, year2010.<Double>getAs("guatemala"), 1e-9);
    Assertions.assertEquals(23.0, year2010.<Double>getAs("mexico"), 1.0);
    Assertions.assertEquals(8L, year2010.<Long>getAs("sources"));
    // 2010: Honduras first, El Salvador second, Belize and Guatemala tied third at 41.4,
    // Mexico (about 22.5) fifth, just above Panama (21.6).
    List<Row> ranks2010 = results.get(2).stream().filter(r -> r.getInt(0) == 2010).toList();
    Assertions.assertEquals("Honduras", ranks2010.get(0).getAs("country_name"));
    Assertions.assertEquals(5, ranks2010.stream().filter(r -> r.getAs("country_name")
        .equals("Mexico")).findFirst().orElseThrow().<Integer>getAs("rank_in_year"));
    Row triangle2010 = results.get(3).stream().filter(r -> r.getInt(0) == 2010).findFirst()
        .orElseThrow();
    // (4,005 + 5,960 + 6,239) homicides over the populations the published rates imply.
    double population = 4005 / 64.7 + 5960 / 41.4 + 6239 / 82.1;
    Assertions.assertEquals(Math.round(16204 / population * 10) / 10.0,
        triangle2010.<Double>getAs("northern_triangle"), 1e-9);
  }
}
