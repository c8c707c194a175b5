package org.violence.lakehouse.quality;

import static org.violence.lakehouse.quality.Expectation.holds;
import static org.violence.lakehouse.quality.Expectation.notNull;
import static org.violence.lakehouse.quality.Expectation.uniqueKey;
import static org.violence.lakehouse.quality.Expectation.withinWherePresent;

import java.util.List;
import java.util.Map;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.reconcile.DrugWarReconciliation;
import org.violence.lakehouse.reconcile.Reconciliation;
import org.violence.lakehouse.silver.Covariates;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/** What must hold in each table before it is written; the one place these rules live. */
public final class TableExpectations {
  private static final String STABLE = Municipalities.STABLE_CODE;

  public static final Map<Table, List<Expectation>> ALL = Map.of(
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
          uniqueKey(STABLE, MunicipalityYearPanel.YEAR),
          holds("population > 0", Population.POPULATION + " > 0"),
          holds("homicide rates >= 0", "coalesce(" + MunicipalityYearPanel.RATE_REGISTRATION
              + ", 0) >= 0 AND coalesce(" + MunicipalityYearPanel.RATE_OCCURRENCE + ", 0) >= 0"),
          // Small municipalities do reach such rates in real years; worth a look, not a stop.
          holds("homicide rate by registration <= 1,000 per 100,000", "coalesce("
              + MunicipalityYearPanel.RATE_REGISTRATION + ", 0) <= 1000").asWarning()),
      DrugWarReconciliation.TABLE, List.of(
          holds("the Presidencia file's total equals the silver total",
              DrugWarReconciliation.DIFFERENCE + " = 0")),
      Reconciliation.TABLE, List.of(
          holds("INEGI's national total equals the silver total (every homicide accounted for)",
              Reconciliation.DIFFERENCE + " = 0"),
          holds("panel + outside panel equals the silver total", Reconciliation.PANEL
              + " + outside_panel = " + Reconciliation.SILVER_TOTAL)));

  private TableExpectations() {}
}
