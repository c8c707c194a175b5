package org.violence.lakehouse.centralamerica;

import static org.violence.lakehouse.io.Expectation.holds;
import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.violence.lakehouse.io.ExactSums;
import org.violence.lakehouse.io.Table;

/**
 * Department sums against national totals wherever a country-year has both. Central American
 * departments come from another compilation than the national series, so differences are
 * reported, not forced to zero; Mexico's state sums fall short of INEGI's national total by
 * exactly the deaths abroad, compared basis by basis.
 */
final class DepartmentReconciliation {
  public static final String DEPARTMENT_SOURCE = "department_source";
  public static final String DEPARTMENTS = "departments";
  public static final String DEPARTMENT_HOMICIDES = "department_homicides";
  public static final String DEPARTMENT_POPULATION = "department_population";
  public static final String NATIONAL_SOURCE = "national_source";
  public static final String NATIONAL_HOMICIDES = "national_homicides";
  public static final String NATIONAL_POPULATION = "national_population";
  public static final String DIFFERENCE = "homicide_difference";

  public static final Table TABLE = Table.in(Table.Layer.GOLD, "department_reconciliation")
      .describedAs("Sums of department (state) homicides and population against each national "
          + "total of the same country and year")
      .sourcedFrom("gold.department_year against gold.country_year")
      .column(GeographicUnits.COUNTRY_CODE, DataTypes.StringType, "ISO 3166-1 alpha-3")
      .column(CountryYear.YEAR, DataTypes.IntegerType, "Year")
      .column(DEPARTMENT_SOURCE, DataTypes.StringType, "Source of the department rows")
      .column(DEPARTMENTS, DataTypes.LongType, "Departments (states) summed")
      .column(DEPARTMENT_HOMICIDES, DataTypes.LongType, "Their homicides")
      .column(DEPARTMENT_POPULATION, DataTypes.DoubleType, "Their population")
      .column(NATIONAL_SOURCE, DataTypes.StringType, "Source of the national total")
      .column(NATIONAL_HOMICIDES, DataTypes.LongType, "National homicides")
      .column(NATIONAL_POPULATION, DataTypes.DoubleType, "National population (implied by the "
          + "published rate for Central America)")
      .column(DIFFERENCE, DataTypes.LongType, "National minus department homicides")
      .expect(holds("Mexico's states sum to INEGI's national total less deaths abroad",
              GeographicUnits.COUNTRY_CODE + " <> 'MEX' OR "
                  + DIFFERENCE + " >= 0"))
      .build();

  private DepartmentReconciliation() {}

  public static Dataset<Row> build(Dataset<Row> departmentYear, Dataset<Row> countryYear) {
    Dataset<Row> sums = departmentYear.groupBy(col(GeographicUnits.COUNTRY_CODE),
            col(CountryYear.YEAR), col(CountryYear.SOURCE).as(DEPARTMENT_SOURCE))
        .agg(count(lit(1)).as(DEPARTMENTS), sum(CountryYear.HOMICIDES).as(DEPARTMENT_HOMICIDES),
            ExactSums.sum(col(CountryYear.POPULATION)).as(DEPARTMENT_POPULATION));
    Dataset<Row> national = countryYear.select(
        col(GeographicUnits.COUNTRY_CODE).as("n_country"), col(CountryYear.YEAR).as("n_year"),
        col(CountryYear.SOURCE).as(NATIONAL_SOURCE),
        col(CountryYear.HOMICIDES).as(NATIONAL_HOMICIDES),
        col(CountryYear.POPULATION).as(NATIONAL_POPULATION));
    // Mexico's states and nation are the same counts on the same basis; Central America's
    // department file is compared with every national source of the country.
    Dataset<Row> joined = sums.join(national, col(GeographicUnits.COUNTRY_CODE)
        .equalTo(col("n_country")).and(col(CountryYear.YEAR).equalTo(col("n_year")))
        .and(col(NATIONAL_SOURCE).equalTo(col(DEPARTMENT_SOURCE))
            .or(not(Countries.isMexico(GeographicUnits.COUNTRY_CODE)))));
    return TABLE.conformed(joined.withColumn(DIFFERENCE,
        col(NATIONAL_HOMICIDES).minus(col(DEPARTMENT_HOMICIDES))));
  }
}
