package org.violence.lakehouse.catalog;

import java.util.ArrayList;
import java.util.List;
import org.violence.lakehouse.bronze.BronzeSource;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.bronze.InputManifest;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.centralamerica.CentralAmericaSources;
import org.violence.lakehouse.centralamerica.CentralAmericaStages;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.microdata.DeathRecordCounts;
import org.violence.lakehouse.microdata.DeathRecords;
import org.violence.lakehouse.model.PanelModel;
import org.violence.lakehouse.reconcile.DrugWarReconciliation;
import org.violence.lakehouse.reconcile.Reconciliation;
import org.violence.lakehouse.routes.RouteExposure;
import org.violence.lakehouse.routes.TraffickingNetwork;
import org.violence.lakehouse.routes.TraffickingRoutes;
import org.violence.lakehouse.silver.Covariates;
import org.violence.lakehouse.silver.DrugWarHomicides;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.MunicipalAreas;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * The lakehouse's sources and tables, declared once: the pipeline builds them in this order,
 * and the SQL catalogue, the data dictionary and the tests list them from here.
 */
public final class Tables {
  private Tables() {}

  /** Every raw source, in the order they are landed. */
  public static final List<BronzeSource> SOURCES = List.of(InegiCubeSource.REGISTRATION,
      InegiCubeSource.OCCURRENCE, DelimitedSources.POPULATION_ESTIMATES,
      DelimitedSources.CONEVAL_INDICATORS, DelimitedSources.MARGINALISATION,
      DelimitedSources.MARGINALISATION_2020, DelimitedSources.CENSUS_COUNTS,
      DelimitedSources.CATALOGUE_2015, DelimitedSources.CATALOGUE_2020,
      DelimitedSources.MUNICIPALITY_HEADS, DelimitedSources.METRO_ZONES,
      DelimitedSources.ADJACENCY, DelimitedSources.DRUG_WAR_HOMICIDES,
      DelimitedSources.PORTS_OF_ENTRY, DelimitedSources.POPPY_ERADICATION,
      DelimitedSources.MARIJUANA_ERADICATION, DelimitedSources.DRUG_LAB_DENSITY,
      DelimitedSources.PIPELINE_MUNICIPALITIES, CentralAmericaSources.NATIONAL_HOMICIDES,
      CentralAmericaSources.DEPARTMENT_HOMICIDES, CentralAmericaSources.SUBDIVISION_CODES,
      CentralAmericaSources.SLV_INDICATORS);

  /** Every table a run maintains, in build order. */
  public static List<Table> all() {
    List<Table> tables = new ArrayList<>();
    SOURCES.forEach(source -> tables.add(source.table()));
    tables.addAll(List.of(DeathRecords.TABLE, Quarantine.TABLE, InputManifest.TABLE,
        MunicipalAreas.TABLE, Municipalities.TABLE, DeathRecordCounts.TABLE, HomicideCounts.TABLE, Population.TABLE, Covariates.TABLE, DrugWarHomicides.TABLE,
        TraffickingNetwork.NODES, TraffickingNetwork.EDGES, TraffickingNetwork.PORTS,
        TraffickingRoutes.ROUTES, RouteExposure.SCENARIO_CHANGES, RouteExposure.TABLE,
        MunicipalityYearPanel.TABLE, Reconciliation.TABLE, DrugWarReconciliation.TABLE,
        PanelModel.COEFFICIENTS, PanelModel.FITTED, PanelModel.RUNS));
    tables.addAll(CentralAmericaStages.tables());
    return tables;
  }
}
