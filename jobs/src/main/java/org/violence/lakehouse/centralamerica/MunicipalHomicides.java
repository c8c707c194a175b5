package org.violence.lakehouse.centralamerica;

import static org.violence.lakehouse.io.Expectation.holds;
import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.apache.spark.sql.functions.*;
import static org.violence.lakehouse.centralamerica.CentralAmericaSources.BASIS;
import static org.violence.lakehouse.centralamerica.CentralAmericaSources.HOMICIDES;
import static org.violence.lakehouse.centralamerica.CentralAmericaSources.MUNICIPALITY_CODE;
import static org.violence.lakehouse.centralamerica.CentralAmericaSources.POPULATION;
import static org.violence.lakehouse.centralamerica.CentralAmericaSources.SOURCE;
import static org.violence.lakehouse.centralamerica.CentralAmericaSources.YEAR;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.violence.lakehouse.io.ExactSums;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * Municipality-year homicides and population that users bring in the input contract (README,
 * "Municipal input contract"), validated like every source: the code must be a municipality of
 * that country in silver.geographic_units, counts non-negative, population positive, the basis
 * named, and each municipality, year and basis given once. Mexico's municipal series comes from
 * INEGI and CONAPO, so Mexican rows are refused rather than mixed into it.
 */
public final class MunicipalHomicides {
  public static final String ADMIN1_CODE = "admin1_code";
  public static final String STABLE_CODE = GeographicUnits.STABLE_CODE;

  public static final Table TABLE = Table.in(Table.Layer.SILVER, "municipal_homicides")
      .describedAs("Municipality-year homicides and population from the municipal input "
          + "contract (any country but Mexico), validated against the unit dimension")
      .sourcedFrom("Municipal series brought in the input contract (national police, observatories)")
      .column(GeographicUnits.COUNTRY_CODE, DataTypes.StringType, "ISO 3166-1 alpha-3")
      .column(MUNICIPALITY_CODE, DataTypes.StringType, "Official municipal code")
      .column(ADMIN1_CODE, DataTypes.StringType, "Its state or department (unit dimension)")
      .column(STABLE_CODE, DataTypes.StringType, "Its unit in the stable geography")
      .column(YEAR, DataTypes.IntegerType, "Year")
      .column(BASIS, DataTypes.StringType, "registration or occurrence")
      .column(HOMICIDES, DataTypes.LongType, "Homicides")
      .column(POPULATION, DataTypes.DoubleType, "Mid-year population")
      .column(SOURCE, DataTypes.StringType, "Who counted them, as the file says")
      .column(Lineage.SOURCE_FILE, DataTypes.StringType, "File the row comes from")
      .column(Lineage.LINE_NUMBER, DataTypes.LongType, "Its line")
      .expect(uniqueKey(GeographicUnits.COUNTRY_CODE, CentralAmericaSources.MUNICIPALITY_CODE,
              CentralAmericaSources.YEAR, CentralAmericaSources.BASIS),
          holds("homicides >= 0 and population > 0", CentralAmericaSources.HOMICIDES
              + " >= 0 AND " + CentralAmericaSources.POPULATION + " > 0"))
      .build();

  private MunicipalHomicides() {}

  public record Result(Dataset<Row> counts, Dataset<Row> refused) {}

  public static Result build(Dataset<Row> contract, Dataset<Row> units) {
    Dataset<Row> municipalities = units.where(col(GeographicUnits.ADMIN_LEVEL)
            .equalTo(GeographicUnits.MUNICIPALITY))
        .select(col(GeographicUnits.COUNTRY_CODE).as("u_country"),
            col(GeographicUnits.UNIT_CODE).as("u_code"),
            col(GeographicUnits.PARENT_CODE).as(ADMIN1_CODE), col(STABLE_CODE));
    Column key = concat_ws("|", col(GeographicUnits.COUNTRY_CODE), col(MUNICIPALITY_CODE),
        col(YEAR), col(BASIS));
    Dataset<Row> checked = contract
        .join(municipalities, col(GeographicUnits.COUNTRY_CODE).equalTo(col("u_country"))
            .and(col(MUNICIPALITY_CODE).equalTo(col("u_code"))), "left")
        .withColumn("lines_of_key", sort_array(collect_list(concat_ws(" line ",
            col(Lineage.SOURCE_FILE), col(Lineage.LINE_NUMBER))).over(Window.partitionBy(key))));
    Column missing = col(GeographicUnits.COUNTRY_CODE).isNull().or(col(MUNICIPALITY_CODE).isNull())
        .or(col(YEAR).isNull()).or(col(HOMICIDES).isNull()).or(col(POPULATION).isNull())
        .or(col(BASIS).isNull()).or(col(SOURCE).isNull());
    Column reason = when(missing, lit("every column of the contract is required; one is empty"))
        .when(Countries.isMexico(GeographicUnits.COUNTRY_CODE), lit("Mexico's municipal series "
            + "is built from INEGI and CONAPO; a second Mexican series is not merged into it"))
        .when(col("u_code").isNull(), concat(lit("municipality code "), col(MUNICIPALITY_CODE),
            lit(" is not a municipality of "), col(GeographicUnits.COUNTRY_CODE),
            lit(" in silver.geographic_units")))
        .when(col(HOMICIDES).lt(0), lit("homicides must be >= 0"))
        .when(col(POPULATION).leq(0), lit("population must be > 0"))
        .when(not(col(BASIS).isin(HomicideCounts.REGISTRATION, HomicideCounts.OCCURRENCE)),
            lit("basis must be registration or occurrence"))
        .when(size(col("lines_of_key")).gt(1), concat(lit("the same country, municipality, "
            + "year and basis is given more than once ("), array_join(col("lines_of_key"), ", "),
            lit("); none is kept")));
    Dataset<Row> withReason = checked.withColumn("reason", reason);
    return new Result(TABLE.conformed(withReason.where(col("reason").isNull())),
        TableRows.refused(withReason.where(col("reason").isNotNull()), concat_ws(",",
            col(GeographicUnits.COUNTRY_CODE), col(MUNICIPALITY_CODE), col(YEAR), col(HOMICIDES),
            col(POPULATION), col(BASIS), col(SOURCE)), col("reason")));
  }

  /**
   * The contract's municipalities as panel rows, next to Mexico's: one per stable unit and
   * year, each basis in its own column (empty where the file gives none), population summed over
   * the unit's municipalities, state columns holding the department. Columns the contract cannot
   * fill (covariates, routes) stay empty.
   */
  public static Dataset<Row> panelRows(Dataset<Row> counts, Dataset<Row> units) {
    Dataset<Row> names = units.select(col(GeographicUnits.COUNTRY_CODE).as("n_country"),
        col(GeographicUnits.UNIT_CODE).as("n_code"), col(GeographicUnits.UNIT_NAME).as("n_name"));
    Dataset<Row> population = counts.groupBy(GeographicUnits.COUNTRY_CODE, MUNICIPALITY_CODE,
            STABLE_CODE, YEAR)
        .agg(max(POPULATION).as(POPULATION), concat_ws("; ", sort_array(collect_set(SOURCE)))
            .as("sources"))
        .groupBy(GeographicUnits.COUNTRY_CODE, STABLE_CODE, YEAR)
        .agg(ExactSums.sum(col(POPULATION)).as(POPULATION), max("sources").as("sources"));
    Dataset<Row> byBasis = counts.groupBy(col(GeographicUnits.COUNTRY_CODE), col(STABLE_CODE),
            col(YEAR), col(ADMIN1_CODE))
        .pivot(BASIS, java.util.List.of(HomicideCounts.REGISTRATION, HomicideCounts.OCCURRENCE))
        .agg(sum(HOMICIDES));
    Dataset<Row> joined = byBasis.join(population,
            new String[] {GeographicUnits.COUNTRY_CODE, STABLE_CODE, YEAR})
        .join(names.withColumnRenamed("n_name", "unit_name"), col(GeographicUnits.COUNTRY_CODE)
            .equalTo(col("n_country")).and(col(STABLE_CODE).equalTo(col("n_code"))), "left")
        .drop("n_country", "n_code")
        .join(names.withColumnRenamed("n_name", "department_name"),
            col(GeographicUnits.COUNTRY_CODE).equalTo(col("n_country"))
                .and(col(ADMIN1_CODE).equalTo(col("n_code"))), "left");
    Column registration = col(HomicideCounts.REGISTRATION);
    Column occurrence = col(HomicideCounts.OCCURRENCE);
    return joined.select(col(STABLE_CODE).as(Municipalities.STABLE_CODE),
        col(ADMIN1_CODE).as(Municipalities.STATE_CODE),
        col("department_name").as(Municipalities.STATE_NAME),
        col("unit_name").as(Municipalities.MUNICIPALITY_NAME), col(YEAR),
        registration.as(MunicipalityYearPanel.HOMICIDES_REGISTRATION),
        occurrence.as(MunicipalityYearPanel.HOMICIDES_OCCURRENCE), col(POPULATION),
        concat(lit("input contract: "), col("sources")).as(Population.METHOD),
        log(col(POPULATION)).as(MunicipalityYearPanel.LOG_POPULATION),
        registration.multiply(100000.0).divide(col(POPULATION))
            .as(MunicipalityYearPanel.RATE_REGISTRATION),
        occurrence.multiply(100000.0).divide(col(POPULATION))
            .as(MunicipalityYearPanel.RATE_OCCURRENCE),
        col(GeographicUnits.COUNTRY_CODE).as(MunicipalityYearPanel.COUNTRY_CODE));
  }
}
