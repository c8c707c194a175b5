package org.violence.lakehouse.centralamerica;

import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.apache.spark.sql.functions.*;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;

/**
 * The 2010 department file conformed to official codes. It names departments without their
 * country, and names repeat across countries ("La Paz" in Honduras and El Salvador, "Colón" and
 * "COLON" in Honduras and Panama), so a name counts as matched only when it fits exactly one ISO
 * 3166-2 subdivision. The rows a name cannot place are placed by {@link #RESOLUTIONS}: the
 * published name and population together, with the evidence that places them.
 */
final class DepartmentHomicides {
  public static final String ADMIN1_CODE = "admin1_code";
  public static final String ADMIN1_NAME = "admin1_name";
  public static final String PUBLISHED_NAME = "name_as_published";
  public static final String YEAR = "year";
  public static final String POPULATION = "population";
  public static final String HOMICIDES = "homicides";
  public static final String RATE = "rate_per_100k";
  public static final String MATCHED_BY = "matched_by";

  public static final Table TABLE = Table.in(Table.Layer.SILVER, "department_homicides")
      .describedAs("Population and homicides per Central American department (first-level "
          + "subdivision) and year, keyed by ISO 3166-2 code")
      .sourcedFrom("Department population, homicides and rates 2010 (Central America), placed on ISO 3166-2 codes")
      .column(GeographicUnits.COUNTRY_CODE, DataTypes.StringType, "ISO 3166-1 alpha-3")
      .column(ADMIN1_CODE, DataTypes.StringType, "ISO 3166-2 code of the department")
      .column(ADMIN1_NAME, DataTypes.StringType, "Its ISO 3166-2 name")
      .column(PUBLISHED_NAME, DataTypes.StringType, "Name as the source printed it")
      .column(YEAR, DataTypes.IntegerType, "Year")
      .column(POPULATION, DataTypes.DoubleType, "Population")
      .column(HOMICIDES, DataTypes.LongType, "Homicides")
      .column(RATE, DataTypes.DoubleType, "Homicides per 100,000 inhabitants, as published")
      .column(MATCHED_BY, DataTypes.StringType, "'unique name', or the evidence that placed a "
          + "name shared by several departments or changed since")
      .column(Lineage.SOURCE_FILE, DataTypes.StringType, "File the row comes from")
      .column(Lineage.LINE_NUMBER, DataTypes.LongType, "Its line")
      .expect(uniqueKey(GeographicUnits.COUNTRY_CODE,
          ADMIN1_CODE, YEAR))
      .build();

  /** A published name and population placed in one department, and why. */
  public record Resolution(String publishedName, double population, String code,
      String evidence) {}

  /**
   * Checked by the 2010 reconciliation (gold.department_reconciliation): with these choices El
   * Salvador's departments sum to 4,004 homicides against a national 4,005 and Honduras' to
   * 6,236 against 6,239; swapping either pair moves a sum 125-130 homicides away.
   */
  public static final List<Resolution> RESOLUTIONS = List.of(
      new Resolution("La Paz", 321554, "SV-PA", "the La Paz whose 189 homicides bring El "
          + "Salvador's departments to 4,004 (national 4,005); the other gives 3,876"),
      new Resolution("La Paz", 196322, "HN-LP", "the other La Paz: Honduras' departments then "
          + "sum to 6,236 (national 6,239)"),
      new Resolution("COLON", 293540, "HN-CL", "the Colón whose 260 homicides bring Honduras' "
          + "departments to 6,236 (national 6,239); the other gives 6,109"),
      new Resolution("Colón", 241928, "PA-3", "the other Colón, Panama's province"),
      new Resolution("Quezaltenango", 771674, "GT-QZ", "older spelling of Quetzaltenango"),
      new Resolution("Atlántico Norte", 394790, "NI-AN", "Región Autónoma del Atlántico Norte, "
          + "named Costa Caribe Norte since 2014"),
      new Resolution("Atlántico Sur", 346724, "NI-AS", "Región Autónoma del Atlántico Sur, "
          + "named Costa Caribe Sur since 2014"));

  private static final StructType RESOLUTION_SCHEMA = new StructType()
      .add("r_name", DataTypes.StringType).add("r_population", DataTypes.DoubleType)
      .add("r_code", DataTypes.StringType).add("r_evidence", DataTypes.StringType);

  private DepartmentHomicides() {}

  public record Result(Dataset<Row> departments, Dataset<Row> refused) {}

  public static Result build(Dataset<Row> bronze, Dataset<Row> units, int year) {
    SparkSession spark = bronze.sparkSession();
    Dataset<Row> resolutions = spark.createDataFrame(RESOLUTIONS.stream().map(r ->
        RowFactory.create(r.publishedName(), r.population(), r.code(), r.evidence())).toList(),
        RESOLUTION_SCHEMA);
    Dataset<Row> departments = units
        .where(col(GeographicUnits.ADMIN_LEVEL).equalTo(GeographicUnits.STATE_OR_DEPARTMENT)
            .and(not(Countries.isMexico(GeographicUnits.COUNTRY_CODE))))
        .select(col(GeographicUnits.COUNTRY_CODE), col(GeographicUnits.UNIT_CODE).as("d_code"),
            col(GeographicUnits.UNIT_NAME).as(ADMIN1_NAME),
            Names.normalised(col(GeographicUnits.UNIT_NAME)).as("d_key"));
    Dataset<Row> resolved = bronze
        .join(resolutions, col("department_name").equalTo(col("r_name"))
            .and(col(POPULATION).equalTo(col("r_population"))), "left")
        .withColumn("key", Names.normalised(col("department_name")));
    Column byName = col("r_code").isNull().and(col("key").equalTo(col("d_key")));
    Dataset<Row> matched = resolved.join(departments,
            col("r_code").equalTo(col("d_code")).or(byName), "left")
        .withColumn("matches", count(col("d_code")).over(Window.partitionBy(
            Lineage.SOURCE_FILE, Lineage.LINE_NUMBER)))
        .withColumn("candidates", concat_ws(", ", sort_array(collect_list(col("d_code")).over(
            Window.partitionBy(Lineage.SOURCE_FILE, Lineage.LINE_NUMBER)))));
    Column complete = col(POPULATION).gt(0).and(col(HOMICIDES).geq(0));
    Column ok = col("matches").equalTo(1).and(complete);
    Dataset<Row> placed = matched.where(ok).select(col(GeographicUnits.COUNTRY_CODE),
        col("d_code").as(ADMIN1_CODE), col(ADMIN1_NAME), col("department_name").as(PUBLISHED_NAME),
        lit(year).as(YEAR), col(POPULATION), col(HOMICIDES), col(RATE),
        coalesce(col("r_evidence"), lit("unique name")).as(MATCHED_BY), col(Lineage.SOURCE_FILE),
        col(Lineage.LINE_NUMBER));
    Dataset<Row> refused = matched.where(not(ok)).dropDuplicates(Lineage.SOURCE_FILE,
        Lineage.LINE_NUMBER);
    Column reason = when(col("matches").equalTo(0), concat(lit("'"), col("department_name"),
            lit("' names no ISO 3166-2 subdivision of the seven countries")))
        .when(col("matches").gt(1), concat(lit("'"), col("department_name"), lit("' names "),
            col("candidates"), lit("; add a resolution by population to DepartmentHomicides")))
        .otherwise(lit("population must be > 0 and homicides >= 0"));
    return new Result(TABLE.conformed(placed), TableRows.refused(refused,
        concat_ws("\t", col("department_name"), col(POPULATION), col(HOMICIDES), col(RATE)),
        reason));
  }
}
