package org.violence.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.reconcile.DrugWarReconciliation;

/**
 * Presidencia's drug-war deaths from the real file to the panel. Expected totals were counted
 * independently from the raw file with awk (sum of Total by the year in Date; rows with id NA
 * apart): 2006 62 (1 unknown municipality), 2007 2,826 (66), 2008 6,837 (11), 2009 9,614 (22),
 * 2010 15,273 (15).
 */
class DrugWarHomicidesTest extends LakehouseTestBase {
  private static final long[][] BY_YEAR = {
      {2006, 62, 1}, {2007, 2826, 66}, {2008, 6837, 11}, {2009, 9614, 22}, {2010, 15273, 15}};

  @Test
  void everyDeathIsReconciledFromSourceToPanel() {
    List<Row> rows = realRun().lakehouse().read(DrugWarReconciliation.TABLE)
        .orderBy(DrugWarReconciliation.YEAR).collectAsList();
    Assertions.assertEquals(BY_YEAR.length, rows.size());
    for (int i = 0; i < BY_YEAR.length; i++) {
      Row row = rows.get(i);
      long year = BY_YEAR[i][0];
      Assertions.assertEquals(year, (long) row.<Integer>getAs("year"));
      Assertions.assertEquals(BY_YEAR[i][1], (long) row.<Long>getAs("source_total"),
          "total " + year);
      Assertions.assertEquals(0L, (long) row.<Long>getAs("difference"), "difference " + year);
      Assertions.assertEquals(BY_YEAR[i][2], (long) row.<Long>getAs("unspecified_municipality"),
          "unknown municipality " + year);
      // 2006 holds December only: the panel leaves it empty and all of it stays outside.
      long expectedInPanel = year == 2006 ? 0 : BY_YEAR[i][1] - BY_YEAR[i][2];
      Assertions.assertEquals(expectedInPanel, (long) row.<Long>getAs("in_panel"),
          "panel " + year);
    }
  }

  @Test
  void panelColumnIsEmptyOutsideTheYearsCoveredInFull() {
    List<Row> byYear = realRun().lakehouse().read(MunicipalityYearPanel.TABLE)
        .groupBy(MunicipalityYearPanel.YEAR)
        .agg(org.apache.spark.sql.functions.count(
            col(MunicipalityYearPanel.DRUG_WAR_HOMICIDES)).as("filled"),
            sum(MunicipalityYearPanel.DRUG_WAR_HOMICIDES).as("total"))
        .orderBy(MunicipalityYearPanel.YEAR).collectAsList();
    for (Row row : byYear) {
      int year = row.getInt(0);
      boolean covered = year >= 2007 && year <= 2010;
      Assertions.assertEquals(covered ? 2403L : 0L, row.getLong(1), "filled rows in " + year);
    }
  }
}
