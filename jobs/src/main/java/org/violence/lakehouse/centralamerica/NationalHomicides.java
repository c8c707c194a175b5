package org.violence.lakehouse.centralamerica;

import static org.violence.lakehouse.io.Expectation.holds;
import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;

/**
 * National homicide series as published, one row per country, year and source: when sources
 * disagree for a country-year, every one is kept and labelled, never averaged or picked.
 */
final class NationalHomicides {
  public static final String YEAR = "year";
  public static final String SOURCE = "source";
  public static final String SOURCE_TYPE = "source_type";
  public static final String HOMICIDES = "homicides";
  public static final String RATE = "rate_per_100k";

  public static final Table TABLE = Table.in(Table.Layer.SILVER, "national_homicides")
      .describedAs("National homicide counts and rates per country, year and source (UNODC/OAS "
          + "compilation), every source kept")
      .sourcedFrom("UNODC / OAS national homicide compilation 1995-2011")
      .column(GeographicUnits.COUNTRY_CODE, DataTypes.StringType, "ISO 3166-1 alpha-3")
      .column(YEAR, DataTypes.IntegerType, "Year")
      .column(SOURCE, DataTypes.StringType, "Who counted them, as published")
      .column(SOURCE_TYPE, DataTypes.StringType, "CJ = criminal justice (police), PH = public "
          + "health, as published")
      .column(HOMICIDES, DataTypes.LongType, "Homicides")
      .column(RATE, DataTypes.DoubleType, "Homicides per 100,000 inhabitants, as published")
      .column(Lineage.SOURCE_FILE, DataTypes.StringType, "File the row comes from")
      .column(Lineage.LINE_NUMBER, DataTypes.LongType, "Its line")
      .expect(uniqueKey(GeographicUnits.COUNTRY_CODE, YEAR, SOURCE),
          holds("homicides >= 0", HOMICIDES + " >= 0"))
      .build();

  private NationalHomicides() {}

  public record Result(Dataset<Row> series, Dataset<Row> refused) {}

  public static Result build(Dataset<Row> bronze) {
    Dataset<Row> rows = bronze.withColumn(GeographicUnits.COUNTRY_CODE,
        Countries.alpha3OfName(col("area_name")));
    Column country = col(GeographicUnits.COUNTRY_CODE).isNotNull();
    Column complete = col(HOMICIDES).isNotNull().and(col(YEAR).isNotNull())
        .and(col(SOURCE).isNotNull());
    Column valid = country.and(complete).and(col(HOMICIDES).geq(0))
        .and(coalesce(col(RATE), lit(0.0)).geq(0));
    Column reason = when(not(country), concat(lit("'"), col("area_name"), lit("' is not a "
            + "country of the study (a group of Mexican states counts for no country; Mexico's "
            + "national series is built from INEGI's exports)")))
        .when(not(complete), lit("year, count or source is missing"))
        .otherwise(lit("negative count or rate"));
    return new Result(TABLE.conformed(rows.where(valid)), TableRows.refused(
        rows.where(not(valid)), concat_ws(",", col("area_name"), col(YEAR), col(HOMICIDES),
            col(RATE), col(SOURCE)), reason));
  }
}
