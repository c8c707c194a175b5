package org.violence.lakehouse.analyst;

import java.awt.Color;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.routes.RouteMap;

/** The route map of the real run: land, sea, routes, producers and ports where they belong. */
class RouteMapCommandTest extends LakehouseTestBase {

  @Test
  void mapShowsRoutesFromProducersToPortsOverTheMunicipalPolygons() throws IOException {
    File png = Files.createTempFile("route-map", ".png").toFile();
    RouteMapCommand.run(realRun().lakehouse(), realRun().config(), png);
    BufferedImage map = ImageIO.read(png);
    Assertions.assertEquals(RouteMapCommand.WIDTH, map.getWidth());

    // The Gulf of Mexico is water; Durango city is land (grey, or a route or border over it).
    Assertions.assertEquals(RouteMap.WATER.getRGB(), colourAt(map, -93.0, 24.5));
    Assertions.assertNotEquals(RouteMap.WATER.getRGB(), colourAt(map, -104.67, 24.02));
    // Badiraguato (Sinaloa), a producer; Nogales' port on the border.
    Assertions.assertEquals(RouteMap.PRODUCER.getRGB(), colourAt(map, -107.55, 25.36));
    Assertions.assertEquals(RouteMap.PORT.getRGB(), colourAt(map, -110.942516, 31.332839));
    long reddish = 0;
    for (int x = 0; x < map.getWidth(); x++) {
      for (int y = 0; y < map.getHeight(); y++) {
        Color c = new Color(map.getRGB(x, y));
        reddish += c.getRed() > c.getGreen() + 40 && c.getRed() > c.getBlue() + 40 ? 1 : 0;
      }
    }
    Assertions.assertTrue(reddish > 5000, "route pixels: " + reddish);
  }

  private static int colourAt(BufferedImage map, double lon, double lat) {
    Point2D p = RouteMap.pixel(new double[] {lon, lat}, map.getWidth());
    return map.getRGB((int) p.getX(), (int) p.getY()) | 0xFF000000;
  }
}
