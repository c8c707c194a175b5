package org.violence.lakehouse.centralamerica;

import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.violence.lakehouse.io.Expectation.withinWherePresent;
import static org.apache.spark.sql.functions.*;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;

/**
 * El Salvador's municipal socio-demographic indicators (DIGESTYC, 2007 census) on OCHA's
 * P-codes. The file has names only, lower case and without accents, so each row is matched by
 * normalised department and municipality name; the few municipalities whose name differs from
 * OCHA's are placed by {@link #ALIASES}, and every other unmatched name is quarantined.
 */
final class MunicipalIndicators {
  public static final String MUNICIPALITY_CODE = "municipality_code";
  public static final String DEPARTMENT_CODE = "department_code";
  public static final String CENSUS_YEAR = "census_year";
  public static final String PERCENT_URBAN = "percent_urban";
  public static final String PUBLISHED_NAME = "name_as_published";
  public static final String MATCHED_BY = "matched_by";
  /** DIGESTYC's VI Censo de Población y V de Vivienda, named in the file's footer. */
  public static final int SALVADORAN_CENSUS = 2007;

  public static final Table TABLE = Table.in(Table.Layer.SILVER, "municipal_indicators")
      .describedAs("Socio-demographic indicators per municipality and census (El Salvador, "
          + "DIGESTYC 2007), keyed by official code")
      .sourcedFrom("DIGESTYC VI population census 2007 (El Salvador), matched to OCHA P-codes")
      .column(GeographicUnits.COUNTRY_CODE, DataTypes.StringType, "ISO 3166-1 alpha-3")
      .column(MUNICIPALITY_CODE, DataTypes.StringType, "Official municipal code (OCHA P-code)")
      .column(DEPARTMENT_CODE, DataTypes.StringType, "ISO 3166-2 code of its department")
      .column(CENSUS_YEAR, DataTypes.IntegerType, "Census the indicators come from")
      .column(PERCENT_URBAN, DataTypes.DoubleType, "% of residents in urban areas "
          + "(urbanisation)")
      .column("population_density", DataTypes.DoubleType, "Inhabitants per km2")
      .column("illiteracy_rate", DataTypes.DoubleType, "% of people who cannot read and write")
      .column("percent_piped_water", DataTypes.DoubleType, "% of households with piped water")
      .column("infant_mortality_rate", DataTypes.DoubleType, "Infant deaths per 1,000 births")
      .column(PUBLISHED_NAME, DataTypes.StringType, "department / municipality as published")
      .column(MATCHED_BY, DataTypes.StringType, "'normalised name', or why an alias applies")
      .column(Lineage.SOURCE_FILE, DataTypes.StringType, "File the row comes from")
      .column(Lineage.LINE_NUMBER, DataTypes.LongType, "Its line")
      .expect(uniqueKey(GeographicUnits.COUNTRY_CODE, MUNICIPALITY_CODE, CENSUS_YEAR),
          withinWherePresent(PERCENT_URBAN, 0, 100))
      .build();

  /** A municipality published under another name than OCHA's: where it goes, and why. */
  public record Alias(String department, String publishedName, String code, String why) {}

  public static final List<Alias> ALIASES = List.of(
      new Alias("sonsonate", "santo domingo de guzman", "SV1314", "OCHA names it Santo "
          + "Domingo; Santo Domingo de Guzmán is its full name"),
      new Alias("chalatenango", "cancasque", "SV0327", "San José Cancasque, commonly Cancasque"),
      new Alias("chalatenango", "las flores", "SV0328", "San José Las Flores, commonly Las "
          + "Flores"),
      new Alias("la libertad", "san juan opico", "SV0512", "OCHA names it Opico; San Juan Opico "
          + "is its full name"),
      new Alias("la libertad", "santa tecla", "SV0510", "OCHA keeps Nueva San Salvador, the "
          + "name before it became Santa Tecla in 2003"),
      new Alias("san miguel", "san rafael oriente", "SV0918", "OCHA names it San Rafael; San "
          + "Rafael Oriente is its full name"));

  private static final StructType ALIAS_SCHEMA = new StructType()
      .add("a_department", DataTypes.StringType).add("a_name", DataTypes.StringType)
      .add("a_code", DataTypes.StringType).add("a_why", DataTypes.StringType);

  private MunicipalIndicators() {}

  public record Result(Dataset<Row> indicators, Dataset<Row> refused) {}

  public static Result build(Dataset<Row> bronze, Dataset<Row> units) {
    Dataset<Row> aliases = bronze.sparkSession().createDataFrame(ALIASES.stream().map(a ->
        RowFactory.create(a.department(), a.publishedName(), a.code(), a.why())).toList(),
        ALIAS_SCHEMA);
    Dataset<Row> departments = units.where(col(GeographicUnits.ADMIN_LEVEL)
            .equalTo(GeographicUnits.STATE_OR_DEPARTMENT))
        .select(col(GeographicUnits.UNIT_CODE).as("p_code"),
            Names.normalised(col(GeographicUnits.UNIT_NAME)).as("p_key"));
    Dataset<Row> municipalities = units.where(col(GeographicUnits.COUNTRY_CODE)
            .equalTo(Countries.EL_SALVADOR)
            .and(col(GeographicUnits.ADMIN_LEVEL).equalTo(GeographicUnits.MUNICIPALITY)))
        .join(departments, col(GeographicUnits.PARENT_CODE).equalTo(col("p_code")))
        .select(col(GeographicUnits.UNIT_CODE).as("m_code"), col("p_code").as("m_department"),
            col("p_key").as("m_department_key"),
            Names.normalised(col(GeographicUnits.UNIT_NAME)).as("m_key"));
    Column department = Names.normalised(col("department_name"));
    Column name = Names.normalised(col("municipality_name"));
    Dataset<Row> matched = bronze
        .join(aliases, department.equalTo(col("a_department")).and(name.equalTo(col("a_name"))),
            "left")
        .join(municipalities, col("a_code").equalTo(col("m_code")).or(col("a_code").isNull()
            .and(department.equalTo(col("m_department_key"))).and(name.equalTo(col("m_key")))),
            "left")
        .withColumn("rows_for_code", when(col("m_code").isNotNull(),
            count(lit(1)).over(Window.partitionBy("m_code"))));
    Column ok = col("m_code").isNotNull().and(col("rows_for_code").equalTo(1));
    Dataset<Row> placed = matched.where(ok).select(lit(Countries.EL_SALVADOR)
            .as(GeographicUnits.COUNTRY_CODE), col("m_code").as(MUNICIPALITY_CODE),
        col("m_department").as(DEPARTMENT_CODE), lit(SALVADORAN_CENSUS).as(CENSUS_YEAR),
        col(PERCENT_URBAN), col("population_density"), col("illiteracy_rate"),
        col("percent_piped_water"), col("infant_mortality_rate"),
        concat_ws(" / ", col("department_name"), col("municipality_name")).as(PUBLISHED_NAME),
        coalesce(col("a_why"), lit("normalised name")).as(MATCHED_BY), col(Lineage.SOURCE_FILE),
        col(Lineage.LINE_NUMBER));
    Column reason = when(col("m_code").isNull(), concat(lit("'"), col("municipality_name"),
            lit("' names no OCHA municipality of department '"), col("department_name"),
            lit("' (normalised name, no alias)")))
        .otherwise(concat(lit("more than one row matches "), col("m_code")));
    return new Result(TABLE.conformed(placed), TableRows.refused(matched.where(not(ok)),
        concat_ws(",", col("department_name"), col("municipality_name")), reason));
  }
}
