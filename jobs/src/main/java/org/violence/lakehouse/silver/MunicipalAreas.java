package org.violence.lakehouse.silver;

import static org.violence.lakehouse.io.Expectation.holds;
import static org.violence.lakehouse.io.Expectation.uniqueKey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.violence.lakehouse.bronze.InputManifest;
import org.violence.lakehouse.conf.ConfigException;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.BuildState;
import org.violence.lakehouse.io.Fingerprints;
import org.violence.lakehouse.io.InputException;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.io.TextFiles;
import org.violence.lakehouse.run.Stage;

/**
 * The land area of each municipality (2020 geography), computed from the municipal polygons
 * (GeoJSON, longitude and latitude in degrees): for the panel's population density.
 *
 * <p>Each ring's area on the sphere of the authalic radius (the sphere of the same area as the
 * WGS84 ellipsoid, 6,371.0072 km) by Chamberlain and Duquette's (2007) formula
 * A = R²/2 · |Σ (λᵢ₊₁ − λᵢ)(2 + sin φᵢ + sin φᵢ₊₁)|; a polygon's holes are subtracted and a
 * municipality's polygons added up. The polygons are simplified, so areas carry their error.
 */
public final class MunicipalAreas {
  /** The configuration's key for the polygons file; the route map draws the same polygons. */
  public static final String POLYGONS_SOURCE = "municipal_polygons";
  public static final String AREA = "area_km2";
  /** Radius of the sphere with the WGS84 ellipsoid's area, km. */
  static final double AUTHALIC_RADIUS_KM = 6371.0072;

  public static final Table TABLE = Table.in(Table.Layer.SILVER, "municipal_areas")
      .describedAs("Land area of each municipality (2020 geography) from the municipal polygons")
      .sourcedFrom("sources.municipal_polygons (GeoJSON of INEGI's municipalities, simplified)")
      .column(Municipalities.MUNICIPALITY_CODE, DataTypes.StringType,
          "INEGI municipality code, 5 digits")
      .column(AREA, DataTypes.DoubleType, "Area on the authalic sphere (Chamberlain and Duquette 2007), holes "
          + "subtracted; of simplified polygons")
      .unit(AREA, "km2")
      .expect(uniqueKey(Municipalities.MUNICIPALITY_CODE),
          holds("area > 0", AREA + " > 0").locatedBy(Municipalities.MUNICIPALITY_CODE))
      .build();

  private MunicipalAreas() {}

  /** The areas, computed again when the polygons file or the code changes. */
  public static Stage stage(Lakehouse lakehouse, LakehouseConfig config,
      InputManifest.Entry polygons) {
    return Stage.fromState(List.of(TABLE), stateOf -> BuildState.whole(
            Fingerprints.of(Fingerprints.codeVersion(), polygons.file().path(),
                polygons.sha256())), null,
        parts -> Stage.Output.of(Map.of(TABLE, build(lakehouse.spark(),
            polygons(lakehouse, config), polygons.file().path()))));
  }

  /** The configured polygons file's text (GeoJSON). */
  public static String polygons(Lakehouse lakehouse, LakehouseConfig config) {
    LakehouseConfig.SourceFile polygons = config.sources().get(POLYGONS_SOURCE);
    if (polygons == null) {
      throw new ConfigException("sources." + POLYGONS_SOURCE, "missing; the municipalities' "
          + "areas and the route map are drawn from the municipal polygons of this GeoJSON file");
    }
    return String.join("\n", TextFiles.readLines(
        lakehouse.spark().sparkContext().hadoopConfiguration(),
        config.inputsFolder() + polygons.path(), polygons.path(),
        Charset.forName(polygons.encoding())));
  }

  /** One row per municipality of {@code geoJson}; {@code file} names it in errors. */
  public static Dataset<Row> build(SparkSession spark, String geoJson, String file) {
    JsonNode features;
    try {
      features = new ObjectMapper().readTree(geoJson).path("features");
    } catch (IOException e) {
      throw InputException.forFile(file, "is not valid GeoJSON: " + e.getMessage());
    }
    Map<String, Double> areas = new TreeMap<>();
    int index = 0;
    for (JsonNode feature : features) {
      index++;
      String code = feature.path("properties").path("id").asText();
      if (!code.matches("\\d{5}")) {
        throw InputException.forFile(file, "feature " + index + " has the id '" + code
            + "', not a 5-digit INEGI municipality code");
      }
      areas.merge(code, km2(feature.path("geometry"), file, index), Double::sum);
    }
    if (areas.isEmpty()) {
      throw InputException.forFile(file, "has no feature");
    }
    List<Row> rows = new ArrayList<>();
    areas.forEach((code, area) -> rows.add(RowFactory.create(code, area)));
    return spark.createDataFrame(rows, TABLE.schema());
  }

  /** A Polygon's or MultiPolygon's area: outer rings less holes. */
  static double km2(JsonNode geometry, String file, int index) {
    String type = geometry.path("type").asText();
    List<JsonNode> polygons = new ArrayList<>();
    if (type.equals("MultiPolygon")) {
      geometry.path("coordinates").forEach(polygons::add);
    } else if (type.equals("Polygon")) {
      polygons.add(geometry.path("coordinates"));
    } else {
      throw InputException.forFile(file, "feature " + index + " is a " + type
          + ", not a Polygon or MultiPolygon");
    }
    double total = 0;
    for (JsonNode polygon : polygons) {
      for (int r = 0; r < polygon.size(); r++) {
        total += (r == 0 ? 1 : -1) * ringKm2(polygon.get(r));
      }
    }
    return total;
  }

  private static double ringKm2(JsonNode ring) {
    double sum = 0;
    for (int i = 0; i + 1 < ring.size(); i++) {
      double lon1 = Math.toRadians(ring.get(i).get(0).asDouble());
      double lat1 = Math.toRadians(ring.get(i).get(1).asDouble());
      double lon2 = Math.toRadians(ring.get(i + 1).get(0).asDouble());
      double lat2 = Math.toRadians(ring.get(i + 1).get(1).asDouble());
      sum += (lon2 - lon1) * (2 + Math.sin(lat1) + Math.sin(lat2));
    }
    return Math.abs(sum) * AUTHALIC_RADIUS_KM * AUTHALIC_RADIUS_KM / 2;
  }
}
