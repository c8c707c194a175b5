package org.violence.lakehouse.model;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.SparkSessions;
import org.violence.lakehouse.run.Stage;

/** The pipeline's model stage: every configured model, fitted on the gold panel. */
public final class ModelStage {
  private ModelStage() {}

  /**
   * Model tables are written last, runs last of all: a run row means its model is complete. The
   * fits are also added to {@code fits}, for the run's summary and the side-by-side tables.
   */
  public static Stage stage(List<LakehouseConfig.ModelSpec> models, String runId,
      List<PanelModel.Fit> fits) {
    return Stage.whole(List.of(PanelModel.COEFFICIENTS, PanelModel.FITTED, PanelModel.RUNS),
        List.of(MunicipalityYearPanel.TABLE), "models " + models, in -> {
          Dataset<Row> panel = in.read(MunicipalityYearPanel.TABLE);
          long panelVersion = in.version(MunicipalityYearPanel.TABLE);
          SparkSession spark = panel.sparkSession();
          for (LakehouseConfig.ModelSpec spec : models) {
            fits.add(SparkSessions.describingJobs(spark, "fit model " + spec.name(),
                () -> PanelModel.fit(panel, spec, MunicipalityYearPanel.TABLE.qualifiedName(),
                    panelVersion, runId)));
          }
          return Stage.Output.of(Map.of(
              PanelModel.COEFFICIENTS, PanelModel.coefficients(spark, fits),
              PanelModel.FITTED, PanelModel.fitted(spark, fits),
              PanelModel.RUNS, PanelModel.runs(spark, fits)));
        });
  }
}
