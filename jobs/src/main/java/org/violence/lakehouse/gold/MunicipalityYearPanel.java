package org.violence.lakehouse.gold;

import static org.violence.lakehouse.io.Expectation.holds;
import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.io.ExactSums;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.routes.RouteExposure;
import org.violence.lakehouse.silver.Covariates;
import org.violence.lakehouse.silver.DrugWarHomicides;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.MunicipalAreas;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * The analysis panel: one row per stable municipality and year, with homicides on both bases,
 * population, rates per 100,000 and covariates. A basis the exports do not cover for a year
 * (occurrence before 1994 or after 2010) is left empty rather than zero.
 */
public final class MunicipalityYearPanel {
  public static final String YEAR = "year";
  public static final String HOMICIDES_REGISTRATION = "homicides_registration";
  public static final String HOMICIDES_OCCURRENCE = "homicides_occurrence";
  public static final String RATE_REGISTRATION = "homicide_rate_registration";
  public static final String RATE_OCCURRENCE = "homicide_rate_occurrence";
  public static final String LOG_POPULATION = "log_population";
  public static final String DRUG_WAR_HOMICIDES = "drug_war_homicides";
  public static final String AFTER_2006 = "after_2006";
  public static final String AREA = MunicipalAreas.AREA;
  public static final String DENSITY = "population_density";
  /** The first full year of the federal offensive against the cartels (December 2006). */
  private static final int FIRST_DRUG_WAR_YEAR = 2007;
  /** Rows of other countries join from the municipal input contract (centralamerica). */
  public static final String COUNTRY_CODE = "country_code";
  public static final String MEXICO = "MEX";

  /**
   * Mexico's rows of the panel: what every Mexico-only reader (models, report) works on, since
   * rows of the municipal input contract (other countries) share the table without Mexico's
   * covariates or INEGI's national totals.
   */
  public static Dataset<Row> mexico(Dataset<Row> panel) {
    return panel.where(col(COUNTRY_CODE).equalTo(MEXICO));
  }

  public static final Table TABLE = tableDefinition();

  private MunicipalityYearPanel() {}

  private static Table tableDefinition() {
    Table.Builder table = Table.in(Table.Layer.GOLD, "municipality_year_panel")
        .describedAs("Municipality-year panel on a stable geography (municipalities of the base "
            + "vintage): homicides, population, rates and covariates")
        .sourcedFrom("silver.homicides, silver.population, silver.covariates, "
            + "silver.drug_war_homicides, silver.route_exposure, "
            + "silver.route_scenario_changes and the adjacency of "
            + "silver.trafficking_network_edges, on the units of "
            + "silver.municipalities")
        .partitionedBy(YEAR)
        .column(Municipalities.STABLE_CODE, "Panel unit: INEGI code of the base-vintage "
            + "municipality, which includes every municipality later split from it")
        .column(Municipalities.STATE_CODE, "INEGI state code, 2 digits")
        .column(Municipalities.STATE_NAME, "State name")
        .column(Municipalities.MUNICIPALITY_NAME, "Name of the base-vintage municipality")
        .column(YEAR, "Year")
        .column(HOMICIDES_REGISTRATION, "Homicides registered in the year (INEGI, by "
            + "municipality of occurrence)")
        .column(HOMICIDES_OCCURRENCE, "Homicides that occurred in the year, registered by 2010 "
            + "(INEGI); null where the occurrence exports do not cover the year")
        .column(Population.POPULATION, "Mid-year population (CONAPO)")
        .column(Population.METHOD, "conapo_estimate or geometric_interpolation")
        .column(LOG_POPULATION, "Natural log of population: the exposure offset of count models")
        .column(RATE_REGISTRATION, "Homicides by year of registration per 100,000 inhabitants")
        .column(RATE_OCCURRENCE, "Homicides by year of occurrence per 100,000 inhabitants")
        .column(DRUG_WAR_HOMICIDES, "Deaths attributed to organised-crime rivalry (Presidencia); "
            + "null in years the source does not cover in full (it covers 2007-2010)")
        .column(AFTER_2006, "True from " + FIRST_DRUG_WAR_YEAR + " on, after the federal "
            + "offensive against the cartels began (December 2006): for interactions such as "
            + "route exposure x after_2006");
    table.unit(HOMICIDES_REGISTRATION, "homicides").unit(HOMICIDES_OCCURRENCE, "homicides")
        .unit(Population.POPULATION, "persons").unit(LOG_POPULATION, "log persons")
        .unit(RATE_REGISTRATION, "homicides per 100,000 inhabitants")
        .unit(RATE_OCCURRENCE, "homicides per 100,000 inhabitants")
        .unit(DRUG_WAR_HOMICIDES, "deaths");
    Covariates.TABLE.units().forEach(table::unit);
    RouteExposure.PANEL_COLUMNS.stream().filter(RouteExposure.TABLE.units()::containsKey)
        .forEach(c -> table.unit(c, RouteExposure.TABLE.units().get(c)));
    for (String covariate : Covariates.ALL) {
      table.column(covariate, Covariates.TABLE.columns().get(covariate))
          .column(Covariates.observedFlag(covariate),
              Covariates.TABLE.columns().get(Covariates.observedFlag(covariate)));
    }
    for (String exposure : RouteExposure.PANEL_COLUMNS) {
      table.column(exposure, RouteExposure.TABLE.columns().get(exposure));
    }
    table.column(AREA, "Land area of the unit: the areas of its municipalities' polygons "
            + "(silver.municipal_areas, 2020 geography) added up; null without polygons")
        .column(DENSITY, "Population per km2 of the unit's area")
        .unit(AREA, "km2").unit(DENSITY, "persons per km2");
    SpatialFeatures.describe(table);
    DiversionExposure.describe(table);
    table.column(COUNTRY_CODE, "ISO 3166-1 alpha-3 of the unit's country: MEX for INEGI's "
        + "municipalities; others come from the municipal input contract, keyed by official code");
    table.expect(uniqueKey(COUNTRY_CODE, Municipalities.STABLE_CODE, YEAR),
          holds("population > 0", Population.POPULATION + " > 0").locatedBy(YEAR),
          holds("homicide rates >= 0", "coalesce(" + RATE_REGISTRATION
              + ", 0) >= 0 AND coalesce(" + RATE_OCCURRENCE + ", 0) >= 0"),
          // Small municipalities do reach such rates in real years; worth a look, not a stop.
          holds("homicide rate by registration <= 1,000 per 100,000", "coalesce("
              + RATE_REGISTRATION + ", 0) <= 1000").asWarning());
    return table.build();
  }

  public static Dataset<Row> build(Dataset<Row> municipalities, Dataset<Row> homicides,
      Dataset<Row> population, Dataset<Row> covariates, Dataset<Row> drugWar,
      Dataset<Row> routeExposure, Dataset<Row> areas) {
    Dataset<Row> unitAreas = municipalities.select(Municipalities.MUNICIPALITY_CODE,
            Municipalities.STABLE_CODE).distinct()
        .join(areas, Municipalities.MUNICIPALITY_CODE)
        .groupBy(Municipalities.STABLE_CODE).agg(ExactSums.sum(col(AREA)).as(AREA));
    Dataset<Row> units = municipalities
        .where(col(Municipalities.MUNICIPALITY_CODE).equalTo(col(Municipalities.STABLE_CODE)))
        .select(Municipalities.STABLE_CODE, Municipalities.STATE_CODE, Municipalities.STATE_NAME,
            Municipalities.MUNICIPALITY_NAME);
    Dataset<Row> municipal = homicides
        .where(col(HomicideCounts.UNIT_KIND).equalTo(HomicideCounts.MUNICIPALITY));
    Dataset<Row> counts = municipal.groupBy(col(Municipalities.STABLE_CODE), col(YEAR))
        .pivot(HomicideCounts.BASIS, List.of(HomicideCounts.REGISTRATION,
            HomicideCounts.OCCURRENCE))
        .agg(sum("homicides"));
    Dataset<Row> coveredYears = homicides.groupBy(YEAR).pivot(HomicideCounts.BASIS,
            List.of(HomicideCounts.REGISTRATION, HomicideCounts.OCCURRENCE))
        .agg(count(lit(1)).gt(0))
        .select(col(YEAR), coalesce(col(HomicideCounts.REGISTRATION), lit(false))
                .as("covers_registration"),
            coalesce(col(HomicideCounts.OCCURRENCE), lit(false)).as("covers_occurrence"));

    Dataset<Row> drugWarCounts = drugWar
        .where(col(DrugWarHomicides.UNIT_KIND).equalTo(HomicideCounts.MUNICIPALITY))
        .groupBy(col(Municipalities.STABLE_CODE), col(YEAR))
        .agg(sum(DrugWarHomicides.HOMICIDES).as("drug_war"));
    Dataset<Row> drugWarYears = drugWar.where(col(DrugWarHomicides.MONTHS).equalTo(12))
        .select(col(YEAR), lit(true).as("covers_drug_war")).distinct();

    Dataset<Row> joined = population.join(units, Municipalities.STABLE_CODE)
        .join(counts, new String[] {Municipalities.STABLE_CODE, YEAR}, "left")
        .join(coveredYears, new String[] {YEAR}, "left")
        .join(covariates, new String[] {Municipalities.STABLE_CODE, YEAR}, "left")
        .join(drugWarCounts, new String[] {Municipalities.STABLE_CODE, YEAR}, "left")
        .join(drugWarYears, new String[] {YEAR}, "left")
        .join(routeExposure, Municipalities.STABLE_CODE, "left")
        .join(unitAreas, Municipalities.STABLE_CODE, "left");
    Column registration = when(col("covers_registration"),
        coalesce(col(HomicideCounts.REGISTRATION), lit(0L)));
    Column occurrence = when(col("covers_occurrence"),
        coalesce(col(HomicideCounts.OCCURRENCE), lit(0L)));
    List<Column> columns = new ArrayList<>(List.of(col(Municipalities.STABLE_CODE),
        col(Municipalities.STATE_CODE), col(Municipalities.STATE_NAME),
        col(Municipalities.MUNICIPALITY_NAME), col(YEAR),
        registration.as(HOMICIDES_REGISTRATION), occurrence.as(HOMICIDES_OCCURRENCE),
        col(Population.POPULATION), col(Population.METHOD),
        log(col(Population.POPULATION)).as(LOG_POPULATION),
        registration.multiply(100000.0).divide(col(Population.POPULATION)).as(RATE_REGISTRATION),
        occurrence.multiply(100000.0).divide(col(Population.POPULATION)).as(RATE_OCCURRENCE),
        when(col("covers_drug_war"), coalesce(col("drug_war"), lit(0L)))
            .as(DRUG_WAR_HOMICIDES)));
    Covariates.valueColumns().forEach(name -> columns.add(col(name)));
    RouteExposure.PANEL_COLUMNS.forEach(name -> columns.add(col(name)));
    columns.add(col(AREA));
    columns.add(col(Population.POPULATION).divide(col(AREA)).as(DENSITY));
    columns.add(lit(MEXICO).as(COUNTRY_CODE));
    return joined.select(columns.toArray(Column[]::new));
  }

  /** Indicators of the year itself, which every panel row carries whatever its country. */
  public static Dataset<Row> withYearIndicators(Dataset<Row> panel) {
    return panel.withColumn(AFTER_2006, col(YEAR).geq(FIRST_DRUG_WAR_YEAR));
  }
}
