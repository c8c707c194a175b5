package org.violence.lakehouse.centralamerica;

import static org.apache.spark.sql.functions.col;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.cli.Pipeline;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.model.PanelModel;
import org.violence.lakehouse.reconcile.Reconciliation;

/**
 * A municipal file written to the documented contract, loaded end to end by an incremental run
 * on a copy of the small run: the shipped format example (its placeholder numbers are test
 * values, not data) plus one bad line of each kind the contract refuses.
 */
class MunicipalContractTest extends LakehouseTestBase {
  private static final String FILE = "contract/test_municipal_homicides.csv";
  private static final String MODEL = "cross_section_2010";

  @Test
  void contractFileLoadsIntoThePanelNextToMexicoAndBadLinesAreQuarantined() throws Exception {
    RealRun before = copyOf(smallRun());
    String example = Files.readString(projectDir().resolve(
        "data-samples/contract/municipal_homicides_FORMAT_EXAMPLE.csv"), StandardCharsets.UTF_8);
    String bad = String.join("\n",
        "SLV,SV9999,Nowhere,2010,1,10000,occurrence,test value",        // line 10: unknown code
        "SLV,SV0601,Cuyultitán,2010,-4,10000,occurrence,test value",    // 11: negative count
        "SLV,SV0602,El Rosario,2010,1,10000,occurrence,test value",     // 12: duplicate of 13
        "SLV,SV0602,El Rosario,2010,2,10000,occurrence,test value",     // 13: duplicate of 12
        "MEX,01001,Aguascalientes,2010,1,10000,occurrence,test value",  // 14: Mexico
        "SLV,SV0603,Jerusalén,twenty,1,10000,occurrence,test value",    // 15: not a year
        "");
    Path inputs = samplesWith(Map.of());
    Files.createDirectories(inputs.resolve("contract"));
    Files.writeString(inputs.resolve(FILE), example.stripTrailing() + "\n" + bad);
    Map<String, LakehouseConfig.SourceFile> sources = new TreeMap<>(before.config().sources());
    sources.put(CentralAmericaSources.MUNICIPAL_CONTRACT_KEY,
        new LakehouseConfig.SourceFile(FILE, "UTF-8", null));
    LakehouseConfig c = before.config().withInputs(inputs.toString());
    // The 2010 cross-section alone keeps the refit short; its sample covers the contract's rows.
    List<LakehouseConfig.ModelSpec> crossSection = c.models().stream()
        .filter(m -> m.name().equals(MODEL)).toList();
    LakehouseConfig config = new LakehouseConfig(c.lakehouse(), c.inputs(), c.years(), c.spark(),
        sources, c.geography(), c.covariateFill(), crossSection, c.trafficking());

    new Pipeline(spark(), config).run();

    Dataset<Row> panel = before.lakehouse().read(MunicipalityYearPanel.TABLE);
    List<Row> salvadoran = panel.where(col(MunicipalityYearPanel.COUNTRY_CODE).equalTo("SLV"))
        .orderBy("stable_municipality_code", "year").collectAsList();
    Assertions.assertEquals(4, salvadoran.size());
    Row apaneca2010 = salvadoran.get(3);
    Assertions.assertEquals("SV0102", apaneca2010.getAs("stable_municipality_code"));
    Assertions.assertEquals("SV-AH", apaneca2010.getAs("state_code"));
    Assertions.assertEquals("Ahuachapán", apaneca2010.getAs("state_name"));
    Assertions.assertEquals(3L, (long) apaneca2010.<Long>getAs("homicides_occurrence"));
    Assertions.assertNull(apaneca2010.getAs("homicides_registration"));
    Assertions.assertEquals(15.0, apaneca2010.<Double>getAs("homicide_rate_occurrence"), 1e-9);

    // Mexico's rows, their reconciliation and the models are exactly what they were.
    Dataset<Row> mexican = panel.where(col(MunicipalityYearPanel.COUNTRY_CODE).equalTo("MEX"));
    assertSameContents(smallRun().lakehouse().read(MunicipalityYearPanel.TABLE), mexican);
    assertSameContents(smallRun().lakehouse().read(Reconciliation.TABLE),
        before.lakehouse().read(Reconciliation.TABLE));
    String model = "model = '" + MODEL + "'";
    assertSameContents(smallRun().lakehouse().read(PanelModel.COEFFICIENTS).where(model),
        before.lakehouse().read(PanelModel.COEFFICIENTS).where(model));
    String[] sample = {"observations", "dropped_missing"};
    assertSameContents(smallRun().lakehouse().read(PanelModel.RUNS).where(model)
            .selectExpr(sample), before.lakehouse().read(PanelModel.RUNS).selectExpr(sample));

    Map<Long, String> refused = new TreeMap<>();
    before.lakehouse().read(Quarantine.TABLE).where(col(Quarantine.STAGE).isin(
            MunicipalHomicides.TABLE.qualifiedName(),
            CentralAmericaSources.MUNICIPAL_CONTRACT.table().qualifiedName())
        .and(col("source_file").equalTo(FILE)))
        .collectAsList().forEach(r -> refused.put(r.getAs("line_number"),
            r.getAs(Quarantine.REASON)));
    Assertions.assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 15L), List.copyOf(refused.keySet()));
    Assertions.assertTrue(refused.get(10L).contains("SV9999 is not a municipality of SLV"));
    Assertions.assertTrue(refused.get(11L).contains("homicides must be >= 0"));
    Assertions.assertTrue(refused.get(12L).contains("more than once (" + FILE + " line 12, "
        + FILE + " line 13)"), refused.get(12L));
    Assertions.assertTrue(refused.get(14L).contains("Mexico's municipal series"));
    Assertions.assertTrue(refused.get(15L).contains("'twenty' is not a whole number"),
        refused.get(15L));
  }
}
