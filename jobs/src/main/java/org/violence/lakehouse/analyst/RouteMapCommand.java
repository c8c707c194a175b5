package org.violence.lakehouse.analyst;

import static org.apache.spark.sql.functions.col;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.routes.RouteMap;
import org.violence.lakehouse.routes.TraffickingNetwork;
import org.violence.lakehouse.routes.TraffickingRoutes;
import org.violence.lakehouse.silver.MunicipalAreas;
import org.violence.lakehouse.silver.Municipalities;

/** The {@code route-map} command: the baseline routes of a lakehouse drawn as a PNG. */
public final class RouteMapCommand {
  public static final int WIDTH = 1800;

  private RouteMapCommand() {}

  public static void run(Lakehouse lakehouse, LakehouseConfig config, File out) {
    BufferedImage image = draw(lakehouse, MunicipalAreas.polygons(lakehouse, config));
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the route map to " + out, e);
    }
    System.out.println("Route map written to " + out.getAbsolutePath());
  }

  /** The baseline routes, producers and ports of the lakehouse over the polygons. */
  public static BufferedImage draw(Lakehouse lakehouse, String geoJson) {
    Map<String, double[]> seats = new HashMap<>();
    List<Row> nodes = lakehouse.read(TraffickingNetwork.NODES).collectAsList();
    nodes.forEach(r -> seats.put(r.getAs(TraffickingNetwork.MUNICIPALITY_CODE), new double[] {
        r.getAs(Municipalities.SEAT_LONGITUDE), r.getAs(Municipalities.SEAT_LATITUDE)}));
    List<String> producers = nodes.stream()
        .filter(r -> r.<Boolean>getAs(TraffickingNetwork.IS_PRODUCER))
        .map(r -> r.<String>getAs(TraffickingNetwork.MUNICIPALITY_CODE)).toList();
    List<List<String>> routes = lakehouse.read(TraffickingRoutes.ROUTES)
        .where(col(TraffickingRoutes.SCENARIO).equalTo(TraffickingRoutes.BASELINE))
        .collectAsList().stream()
        .map(r -> r.<String>getList(r.fieldIndex(TraffickingRoutes.MUNICIPALITIES))).toList();
    Map<String, double[]> ports = new java.util.TreeMap<>();
    lakehouse.read(TraffickingNetwork.PORTS).collectAsList().forEach(r -> ports.put(
        r.getAs("port_name"), new double[] {r.getAs("longitude"), r.getAs("latitude")}));
    return RouteMap.draw(geoJson, seats, routes, producers, ports, WIDTH);
  }
}
