package org.violence.lakehouse.catalog;

import static org.violence.lakehouse.quality.Expectation.holds;
import static org.violence.lakehouse.quality.Expectation.notNull;
import static org.violence.lakehouse.quality.Expectation.uniqueKey;
import static org.violence.lakehouse.quality.Expectation.withinWherePresent;

import java.util.List;
import java.util.Map;
import org.violence.lakehouse.quality.Expectation;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.centralamerica.CentralAmericaSources;
import org.violence.lakehouse.centralamerica.CountryYear;
import org.violence.lakehouse.centralamerica.DepartmentHomicides;
import org.violence.lakehouse.centralamerica.DepartmentReconciliation;
import org.violence.lakehouse.centralamerica.DepartmentYear;
import org.violence.lakehouse.centralamerica.GeographicUnits;
import org.violence.lakehouse.centralamerica.MunicipalHomicides;
import org.violence.lakehouse.centralamerica.MunicipalIndicators;
import org.violence.lakehouse.centralamerica.NationalHomicides;
import org.violence.lakehouse.centralamerica.UnitChanges;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.microdata.DeathRecordCounts;
import org.violence.lakehouse.reconcile.DrugWarReconciliation;
import org.violence.lakehouse.reconcile.Reconciliation;
import org.violence.lakehouse.silver.Covariates;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.MunicipalAreas;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * What must hold in each table before it is written; the one place these rules live. Here,
 * above the domain packages, rather than in {@code quality}: the gate itself depends on no
 * table.
 */
public final class TableExpectations {
  private static final String STABLE = Municipalities.STABLE_CODE;

  /** Mexico and Central America under one set of keys (package centralamerica). */
  private static final Map<Table, List<Expectation>> CENTRAL_AMERICA = Map.of(
      GeographicUnits.TABLE, List.of(
          uniqueKey(GeographicUnits.COUNTRY_CODE, GeographicUnits.ADMIN_LEVEL,
              GeographicUnits.UNIT_CODE),
          notNull(GeographicUnits.STABLE_CODE), notNull(GeographicUnits.COUNTRY_CODE)),
      UnitChanges.TABLE, List.of(uniqueKey(GeographicUnits.COUNTRY_CODE,
          GeographicUnits.ADMIN_LEVEL, UnitChanges.PREDECESSOR, UnitChanges.SUCCESSOR)),
      NationalHomicides.TABLE, List.of(
          uniqueKey(GeographicUnits.COUNTRY_CODE, NationalHomicides.YEAR,
              NationalHomicides.SOURCE),
          holds("homicides >= 0", NationalHomicides.HOMICIDES + " >= 0")),
      DepartmentHomicides.TABLE, List.of(uniqueKey(GeographicUnits.COUNTRY_CODE,
          DepartmentHomicides.ADMIN1_CODE, DepartmentHomicides.YEAR)),
      MunicipalIndicators.TABLE, List.of(
          uniqueKey(GeographicUnits.COUNTRY_CODE, MunicipalIndicators.MUNICIPALITY_CODE,
              MunicipalIndicators.CENSUS_YEAR),
          withinWherePresent(MunicipalIndicators.PERCENT_URBAN, 0, 100)),
      MunicipalHomicides.TABLE, List.of(
          uniqueKey(GeographicUnits.COUNTRY_CODE, CentralAmericaSources.MUNICIPALITY_CODE,
              CentralAmericaSources.YEAR, CentralAmericaSources.BASIS),
          holds("homicides >= 0 and population > 0", CentralAmericaSources.HOMICIDES
              + " >= 0 AND " + CentralAmericaSources.POPULATION + " > 0")),
      CountryYear.TABLE, List.of(
          uniqueKey(GeographicUnits.COUNTRY_CODE, CountryYear.YEAR, CountryYear.SOURCE),
          holds("homicide rates >= 0", CountryYear.RATE + " >= 0")),
      DepartmentYear.TABLE, List.of(uniqueKey(GeographicUnits.COUNTRY_CODE,
          DepartmentYear.ADMIN1_CODE, CountryYear.YEAR, CountryYear.SOURCE)),
      DepartmentReconciliation.TABLE, List.of(
          holds("Mexico's states sum to INEGI's national total less deaths abroad",
              GeographicUnits.COUNTRY_CODE + " <> 'MEX' OR "
                  + DepartmentReconciliation.DIFFERENCE + " >= 0")));

  public static final Map<Table, List<Expectation>> ALL = union(Map.of(
      InegiCubeSource.REGISTRATION.table(), List.of(
          holds("homicide counts are >= 0", InegiCubeSource.HOMICIDES + " >= 0")),
      InegiCubeSource.OCCURRENCE.table(), List.of(
          holds("homicide counts are >= 0", InegiCubeSource.HOMICIDES + " >= 0")),
      Municipalities.TABLE, List.of(
          uniqueKey(Municipalities.MUNICIPALITY_CODE), notNull(STABLE),
          notNull(Municipalities.STATE_CODE)),
      HomicideCounts.TABLE, List.of(
          uniqueKey(HomicideCounts.UNIT_CODE, HomicideCounts.YEAR, HomicideCounts.BASIS,
              HomicideCounts.SOURCE),
          holds("homicides > 0 (units without deaths have no row)", "homicides > 0")),
      Population.TABLE, List.of(
          uniqueKey(STABLE, Population.YEAR),
          holds("population > 0", Population.POPULATION + " > 0")),
      Covariates.TABLE, List.of(
          uniqueKey(STABLE, Covariates.YEAR),
          withinWherePresent(Covariates.GINI, 0, 1),
          withinWherePresent(Covariates.POVERTY, 0, 100),
          withinWherePresent(Covariates.URBANISATION, 0, 100)),
      MunicipalityYearPanel.TABLE, List.of(
          uniqueKey(MunicipalityYearPanel.COUNTRY_CODE, STABLE, MunicipalityYearPanel.YEAR),
          holds("population > 0", Population.POPULATION + " > 0"),
          holds("homicide rates >= 0", "coalesce(" + MunicipalityYearPanel.RATE_REGISTRATION
              + ", 0) >= 0 AND coalesce(" + MunicipalityYearPanel.RATE_OCCURRENCE + ", 0) >= 0"),
          // Small municipalities do reach such rates in real years; worth a look, not a stop.
          holds("homicide rate by registration <= 1,000 per 100,000", "coalesce("
              + MunicipalityYearPanel.RATE_REGISTRATION + ", 0) <= 1000").asWarning()),
      DeathRecordCounts.TABLE, List.of(notNull(HomicideCounts.UNIT_CODE),
          holds("deaths > 0 (groups without deaths have no row)",
              DeathRecordCounts.DEATHS + " > 0")),
      DrugWarReconciliation.TABLE, List.of(
          holds("the Presidencia file's total equals the silver total",
              DrugWarReconciliation.DIFFERENCE + " = 0")),
      Reconciliation.TABLE, List.of(
          holds("INEGI's national total equals the silver total (every homicide accounted for)",
              Reconciliation.DIFFERENCE + " = 0"),
          holds("panel + outside panel equals the silver total", Reconciliation.PANEL
              + " + outside_panel = " + Reconciliation.SILVER_TOTAL))), union(Map.of(
      MunicipalAreas.TABLE, List.of(
          uniqueKey(Municipalities.MUNICIPALITY_CODE),
          holds("area > 0", MunicipalAreas.AREA + " > 0"))), CENTRAL_AMERICA));

  private TableExpectations() {}

  private static Map<Table, List<Expectation>> union(Map<Table, List<Expectation>> first,
      Map<Table, List<Expectation>> second) {
    Map<Table, List<Expectation>> all = new java.util.HashMap<>(first);
    all.putAll(second);
    return Map.copyOf(all);
  }
}
