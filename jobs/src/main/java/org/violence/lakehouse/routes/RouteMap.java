package org.violence.lakehouse.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A picture of the predicted routes over the municipal map, for a person to look at: municipal
 * polygons in grey, routes in red (darker where more routes overlap), producers in green, ports
 * of entry in blue. Drawn with Java2D from the GeoJSON layer (the registry has no shapefile
 * reader; GeoJSON is plain JSON), in an equirectangular projection true to scale at 23°N, the
 * middle of Mexico.
 */
public final class RouteMap {
  public static final Color WATER = new Color(0xF4F7FA);
  public static final Color LAND = new Color(0xDDDDDD);
  public static final Color ROUTE = new Color(200, 0, 0, 70);
  public static final Color PRODUCER = new Color(0x1B7F2A);
  public static final Color PORT = new Color(0x1F4FBF);
  private static final double WEST = -118.5;
  private static final double EAST = -86.5;
  private static final double NORTH = 33.0;
  private static final double SOUTH = 14.3;
  private static final double X_SCALE = Math.cos(Math.toRadians(23.0));

  private RouteMap() {}

  /**
   * Draws the map {@code width} pixels wide. {@code seats} gives each municipality's seat
   * (lon, lat); {@code routes} are the ordered municipalities of each route; {@code ports} are
   * (lon, lat) of the ports of entry.
   */
  public static BufferedImage draw(String geoJson, Map<String, double[]> seats,
      List<List<String>> routes, List<String> producers, List<double[]> ports, int width) {
    BufferedImage image = choropleth(geoJson, code -> LAND, width);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    double scale = width / ((EAST - WEST) * X_SCALE);

    g.setColor(ROUTE);
    g.setStroke(new BasicStroke(Math.max(1.5f, width / 600f), BasicStroke.CAP_ROUND,
        BasicStroke.JOIN_ROUND));
    for (List<String> route : routes) {
      Path2D line = new Path2D.Double();
      trace(line, route.stream().map(seats::get).toList(), scale);
      g.draw(line);
    }
    double dot = Math.max(3.0, width / 300.0);
    g.setColor(PRODUCER);
    producers.forEach(code -> g.fill(disc(project(seats.get(code), scale), dot)));
    g.setColor(PORT);
    ports.forEach(lonLat -> g.fill(disc(project(lonLat, scale), dot * 1.5)));
    g.dispose();
    return image;
  }

  /**
   * The municipal polygons over water, each filled with the colour {@code fill} gives its
   * municipality code (the {@code id} of the GeoJSON feature), with white borders.
   */
  public static BufferedImage choropleth(String geoJson, Function<String, Color> fill,
      int width) {
    int height = (int) Math.round(width * (NORTH - SOUTH) / ((EAST - WEST) * X_SCALE));
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(WATER);
    g.fillRect(0, 0, width, height);
    double scale = width / ((EAST - WEST) * X_SCALE);
    g.setStroke(new BasicStroke(0.4f));
    for (JsonNode feature : parse(geoJson).path("features")) {
      Path2D outline = outline(feature.path("geometry"), scale);
      g.setColor(fill.apply(feature.path("properties").path("id").asText()));
      g.fill(outline);
      g.setColor(Color.WHITE);
      g.draw(outline);
    }
    g.dispose();
    return image;
  }

  /** Pixel of a (lon, lat) on a map {@code width} pixels wide. */
  public static Point2D pixel(double[] lonLat, int width) {
    return project(lonLat, width / ((EAST - WEST) * X_SCALE));
  }

  private static Point2D project(double[] lonLat, double scale) {
    return new Point2D.Double((lonLat[0] - WEST) * X_SCALE * scale, (NORTH - lonLat[1]) * scale);
  }

  private static Ellipse2D disc(Point2D centre, double diameter) {
    return new Ellipse2D.Double(centre.getX() - diameter / 2, centre.getY() - diameter / 2,
        diameter, diameter);
  }

  /** Rings of a Polygon or MultiPolygon as one path (even-odd: holes stay holes). */
  private static Path2D outline(JsonNode geometry, double scale) {
    Path2D path = new Path2D.Double(Path2D.WIND_EVEN_ODD);
    JsonNode coordinates = geometry.path("coordinates");
    List<JsonNode> polygons = new ArrayList<>();
    if (geometry.path("type").asText().equals("MultiPolygon")) {
      coordinates.forEach(polygons::add);
    } else {
      polygons.add(coordinates);
    }
    for (JsonNode polygon : polygons) {
      for (JsonNode ring : polygon) {
        List<double[]> points = new ArrayList<>(ring.size());
        ring.forEach(xy -> points.add(new double[] {xy.get(0).asDouble(), xy.get(1).asDouble()}));
        trace(path, points, scale);
        path.closePath();
      }
    }
    return path;
  }

  /** Adds a line through (lon, lat) points to the path, starting a new subpath. */
  private static void trace(Path2D path, List<double[]> lonLats, double scale) {
    for (int i = 0; i < lonLats.size(); i++) {
      Point2D p = project(lonLats.get(i), scale);
      if (i == 0) {
        path.moveTo(p.getX(), p.getY());
      } else {
        path.lineTo(p.getX(), p.getY());
      }
    }
  }

  private static JsonNode parse(String geoJson) {
    try {
      return new ObjectMapper().readTree(geoJson);
    } catch (IOException e) {
      throw new UncheckedIOException("the municipal polygons are not valid GeoJSON", e);
    }
  }
}
