package org.violence.lakehouse.centralamerica;

import static org.violence.lakehouse.io.Expectation.holds;
import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.Population;

/**
 * National homicides per country, year and source across Mexico and Central America. Central
 * American rows are the published series, every source kept; Mexico's are this lakehouse's own
 * INEGI counts (all units, so INEGI's national total) over CONAPO's population, one row per
 * basis, labelled as such.
 */
final class CountryYear {
  public static final String COUNTRY_NAME = "country_name";
  public static final String YEAR = "year";
  public static final String SOURCE = "source";
  public static final String SOURCE_TYPE = "source_type";
  public static final String HOMICIDES = "homicides";
  public static final String POPULATION = "population";
  public static final String RATE = "homicide_rate";
  public static final String RATE_ORIGIN = "rate_origin";
  static final String MEXICAN_SOURCE = "INEGI death records by year of ";

  public static final Table TABLE = Table.in(Table.Layer.GOLD, "country_year")
      .describedAs("Homicides and rates per country, year and source, Mexico and Central "
          + "America; several sources of a country-year are all kept")
      .sourcedFrom("UNODC / OAS compilation (Central America); INEGI exports and CONAPO population (Mexico)")
      .column(GeographicUnits.COUNTRY_CODE, DataTypes.StringType, "ISO 3166-1 alpha-3")
      .column(COUNTRY_NAME, DataTypes.StringType, "Country")
      .column(YEAR, DataTypes.IntegerType, "Year")
      .column(SOURCE, DataTypes.StringType, "Who counted: the published source, or for Mexico "
          + "INEGI by year of registration or occurrence (counted in this lakehouse)")
      .column(SOURCE_TYPE, DataTypes.StringType, "CJ = criminal justice (police), PH = public "
          + "health (death records)")
      .column(HOMICIDES, DataTypes.LongType, "Homicides")
      .column(POPULATION, DataTypes.DoubleType, "Population: CONAPO's for Mexico; for Central "
          + "America the one implied by the published count and rate")
      .column(RATE, DataTypes.DoubleType, "Homicides per 100,000 inhabitants")
      .column(RATE_ORIGIN, DataTypes.StringType, "published, or computed (Mexico)")
      .expect(uniqueKey(GeographicUnits.COUNTRY_CODE, YEAR, SOURCE),
          holds("homicide rates >= 0", RATE + " >= 0"))
      .build();

  private CountryYear() {}

  /**
   * The sum of municipal populations (CONAPO's, some interpolated, so fractional) in whole
   * persons: a sum of doubles changes in its last bits with the order Spark adds them in, and a
   * rerun on another partitioning must give the same table.
   */
  static Column totalPersons(String population) {
    return functions.round(sum(population), 0);
  }

  public static Dataset<Row> build(Dataset<Row> nationalSeries, Dataset<Row> mexicanHomicides,
      Dataset<Row> mexicanPopulation) {
    Column rate = col(NationalHomicides.RATE);
    Dataset<Row> published = nationalSeries.select(col(GeographicUnits.COUNTRY_CODE),
        col(YEAR), col(SOURCE), col(SOURCE_TYPE), col(HOMICIDES),
        when(rate.gt(0), col(HOMICIDES).multiply(100000.0).divide(rate)).as(POPULATION),
        rate.as(RATE), lit("published").as(RATE_ORIGIN));
    Dataset<Row> population = mexicanPopulation.groupBy(col(Population.YEAR).as(YEAR))
        .agg(totalPersons(Population.POPULATION).as(POPULATION));
    Dataset<Row> mexico = mexicanHomicides.groupBy(col(HomicideCounts.YEAR).as(YEAR),
            col(HomicideCounts.BASIS))
        .agg(sum(InegiCubeSource.HOMICIDES).as(HOMICIDES))
        .join(population, YEAR)
        .select(lit(Countries.MEXICO).as(GeographicUnits.COUNTRY_CODE), col(YEAR),
            concat(lit(MEXICAN_SOURCE), col(HomicideCounts.BASIS)).as(SOURCE),
            lit("PH").as(SOURCE_TYPE), col(HOMICIDES), col(POPULATION),
            col(HOMICIDES).multiply(100000.0).divide(col(POPULATION)).as(RATE),
            lit("computed").as(RATE_ORIGIN));
    return TABLE.conformed(published.unionByName(mexico)
        .withColumn(COUNTRY_NAME, Countries.nameOf(col(GeographicUnits.COUNTRY_CODE))));
  }
}
