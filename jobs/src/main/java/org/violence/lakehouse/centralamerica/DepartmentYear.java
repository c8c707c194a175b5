package org.violence.lakehouse.centralamerica;

import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * Homicides per first-level unit (Mexican state, Central American department) and year. A
 * Mexican state's homicides are all of INEGI's units in it (its municipalities, its unspecified
 * municipality, its unallocated subtotal; deaths abroad belong to no state), its population the
 * sum of its stable municipalities' (splits never cross state lines).
 */
final class DepartmentYear {
  public static final String ADMIN1_CODE = "admin1_code";
  public static final String ADMIN1_NAME = "admin1_name";

  public static final Table TABLE = Table.in(Table.Layer.GOLD, "department_year")
      .describedAs("Homicides and rates per first-level unit (Mexican state, Central American "
          + "department) and year, by source")
      .sourcedFrom("INEGI homicide exports and CONAPO population (Mexico); department figures 2010 (Central America)")
      .column(GeographicUnits.COUNTRY_CODE, DataTypes.StringType, "ISO 3166-1 alpha-3")
      .column(ADMIN1_CODE, DataTypes.StringType, "INEGI state code (Mexico) or ISO 3166-2 code")
      .column(ADMIN1_NAME, DataTypes.StringType, "Name")
      .column(CountryYear.YEAR, DataTypes.IntegerType, "Year")
      .column(CountryYear.SOURCE, DataTypes.StringType, "Who counted: the file for Central "
          + "America, INEGI by year of registration or occurrence for Mexico")
      .column(CountryYear.HOMICIDES, DataTypes.LongType, "Homicides")
      .column(CountryYear.POPULATION, DataTypes.DoubleType, "Population")
      .column(CountryYear.RATE, DataTypes.DoubleType, "Homicides per 100,000 inhabitants")
      .expect(uniqueKey(GeographicUnits.COUNTRY_CODE,
          ADMIN1_CODE, CountryYear.YEAR, CountryYear.SOURCE))
      .build();

  private DepartmentYear() {}

  public static Dataset<Row> build(Dataset<Row> departments, Dataset<Row> mexicanHomicides,
      Dataset<Row> mexicanPopulation, Dataset<Row> units) {
    Dataset<Row> centralAmerican = departments.select(col(GeographicUnits.COUNTRY_CODE),
        col(DepartmentHomicides.ADMIN1_CODE).as(ADMIN1_CODE),
        col(DepartmentHomicides.ADMIN1_NAME).as(ADMIN1_NAME), col(DepartmentHomicides.YEAR),
        col("source_file").as(CountryYear.SOURCE), col(DepartmentHomicides.HOMICIDES),
        col(DepartmentHomicides.POPULATION));
    Dataset<Row> states = units.where(Countries.isMexico(GeographicUnits.COUNTRY_CODE)
            .and(col(GeographicUnits.ADMIN_LEVEL).equalTo(GeographicUnits.STATE_OR_DEPARTMENT)))
        .select(col(GeographicUnits.UNIT_CODE).as(ADMIN1_CODE),
            col(GeographicUnits.UNIT_NAME).as(ADMIN1_NAME));
    Dataset<Row> statePopulation = mexicanPopulation.groupBy(
            substring(col(Municipalities.STABLE_CODE), 1, 2).as(ADMIN1_CODE),
            col(Population.YEAR).as(CountryYear.YEAR))
        .agg(CountryYear.totalPersons(Population.POPULATION).as(CountryYear.POPULATION));
    Dataset<Row> mexican = mexicanHomicides
        .where(not(col(HomicideCounts.UNIT_KIND).equalTo(HomicideCounts.ABROAD)))
        .groupBy(col(HomicideCounts.STATE_CODE).as(ADMIN1_CODE),
            col(HomicideCounts.YEAR).as(CountryYear.YEAR), col(HomicideCounts.BASIS))
        .agg(sum(InegiCubeSource.HOMICIDES).as(CountryYear.HOMICIDES))
        .join(statePopulation, new String[] {ADMIN1_CODE, CountryYear.YEAR})
        .join(states, ADMIN1_CODE)
        .select(lit(Countries.MEXICO).as(GeographicUnits.COUNTRY_CODE), col(ADMIN1_CODE),
            col(ADMIN1_NAME), col(CountryYear.YEAR),
            concat(lit(CountryYear.MEXICAN_SOURCE), col(HomicideCounts.BASIS))
                .as(CountryYear.SOURCE), col(CountryYear.HOMICIDES), col(CountryYear.POPULATION));
    return TABLE.conformed(centralAmerican.unionByName(mexican).withColumn(CountryYear.RATE,
        col(CountryYear.HOMICIDES).multiply(100000.0).divide(col(CountryYear.POPULATION))));
  }
}
