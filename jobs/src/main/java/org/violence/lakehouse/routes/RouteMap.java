package org.violence.lakehouse.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A picture of the predicted routes over the municipal map, for a person to look at: municipal
 * polygons in grey with state borders (and Mexico City enlarged in a box), routes in red (darker where more routes overlap),
 * producers in green, ports of entry in blue with their names, and a legend. Drawn with Java2D from the GeoJSON layer (the registry has no shapefile
 * reader; GeoJSON is plain JSON), in an equirectangular projection true to scale at 23°N, the
 * middle of Mexico.
 */
public final class RouteMap {
  public static final Color WATER = new Color(0xF4F7FA);
  public static final Color LAND = new Color(0xDDDDDD);
  public static final Color ROUTE = new Color(200, 0, 0, 70);
  public static final Color PRODUCER = new Color(0x1B7F2A);
  public static final Color PORT = new Color(0x1F4FBF);
  public static final Color STATE_BORDER = new Color(0x555555);
  private static final double WEST = -118.5;
  private static final double EAST = -86.5;
  private static final double NORTH = 33.0;
  private static final double SOUTH = 14.3;
  private static final double X_SCALE = Math.cos(Math.toRadians(23.0));
  /** The inset: the Valley of Mexico, Mexico City and the State of Mexico around it. */
  private static final double INSET_WEST = -99.40;
  private static final double INSET_EAST = -98.80;
  private static final double INSET_NORTH = 19.62;

  private RouteMap() {}

  /**
   * Draws the map {@code width} pixels wide, with a legend and each port's name. {@code seats}
   * gives each municipality's seat (lon, lat); {@code routes} are the ordered municipalities of
   * each route; {@code ports} maps each port of entry's name to its (lon, lat).
   */
  public static BufferedImage draw(String geoJson, Map<String, double[]> seats,
      List<List<String>> routes, List<String> producers, Map<String, double[]> ports,
      int width) {
    BufferedImage image = choropleth(geoJson, code -> LAND, width);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    Projection projection = Projection.of(width);

    g.setColor(ROUTE);
    g.setStroke(new BasicStroke(Math.max(1.5f, width / 600f), BasicStroke.CAP_ROUND,
        BasicStroke.JOIN_ROUND));
    for (List<String> route : routes) {
      Path2D line = new Path2D.Double();
      trace(line, route.stream().map(seats::get).toList(), projection);
      g.draw(line);
    }
    double dot = Math.max(3.0, width / 300.0);
    g.setColor(PRODUCER);
    producers.forEach(code -> g.fill(disc(projection.at(seats.get(code)), dot)));
    g.setColor(PORT);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    int text = Math.max(10, width / 110);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, text));
    // Names above the ports (the border: blank to the north), or below; where ports crowd
    // (Tijuana, the lower Rio Grande) a name that would overlap another is left out.
    List<Rectangle2D> named = new ArrayList<>();
    ports.forEach((name, lonLat) -> {
      Point2D port = projection.at(lonLat);
      g.fill(disc(port, dot * 1.5));
      double left = Math.max(2, port.getX() - g.getFontMetrics().stringWidth(name) / 2.0);
      for (double baseline : new double[] {port.getY() - dot * 1.5,
          port.getY() + dot * 1.5 + text}) {
        Rectangle2D label = new Rectangle2D.Double(left, baseline - text,
            g.getFontMetrics().stringWidth(name), text * 1.2);
        if (named.stream().noneMatch(label::intersects)) {
          named.add(label);
          g.drawString(name, (float) left, (float) baseline);
          break;
        }
      }
    });
    legend(g, width, text, dot);
    g.dispose();
    return image;
  }

  /** What the colours mean, in the Pacific off Baja California's south. */
  private static void legend(Graphics2D g, int width, int text, double dot) {
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, text));
    double x = width * 0.03;
    double y = width * 0.37;
    g.setColor(Color.DARK_GRAY);
    g.drawString("Predicted trafficking routes (baseline)", (float) x, (float) y);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, text));
    String[] labels = {"route (darker where several overlap)", "producer municipality",
        "US port of entry", "state border"};
    for (int i = 0; i < labels.length; i++) {
      double row = y + (i + 1) * text * 1.6;
      double middle = row - text * 0.35;
      switch (i) {
        case 0 -> {
          g.setColor(new Color(200, 0, 0));
          g.draw(new java.awt.geom.Line2D.Double(x, middle, x + text * 2, middle));
        }
        case 1 -> {
          g.setColor(PRODUCER);
          g.fill(disc(new Point2D.Double(x + text, middle), dot));
        }
        case 2 -> {
          g.setColor(PORT);
          g.fill(disc(new Point2D.Double(x + text, middle), dot * 1.5));
        }
        default -> {
          g.setColor(STATE_BORDER);
          g.draw(new java.awt.geom.Line2D.Double(x, middle, x + text * 2, middle));
        }
      }
      g.setColor(Color.DARK_GRAY);
      g.drawString(labels[i], (float) (x + text * 3), (float) row);
    }
  }

  /**
   * The municipal polygons over water, each filled with the colour {@code fill} gives its
   * municipality code (the {@code id} of the GeoJSON feature), with white borders, and the
   * state borders and coast over them in dark grey.
   */
  public static BufferedImage choropleth(String geoJson, Function<String, Color> fill,
      int width) {
    int height = (int) Math.round(width * (NORTH - SOUTH) / ((EAST - WEST) * X_SCALE));
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(WATER);
    g.fillRect(0, 0, width, height);
    JsonNode features = parse(geoJson).path("features");
    Projection country = Projection.of(width);
    paint(g, features, fill, country, width);

    // Mexico City's 16 boroughs are specks at this scale: they are drawn again, enlarged, in
    // a box over the blank north-east (Texas, which the layer does not hold).
    double[] box = {width * 0.72, height * 0.02, width * 0.24, width * 0.24};
    Projection valley = new Projection(INSET_WEST, INSET_NORTH,
        box[2] / ((INSET_EAST - INSET_WEST) * X_SCALE), box[0], box[1]);
    Rectangle2D frame = new Rectangle2D.Double(box[0], box[1], box[2], box[3]);
    g.setColor(WATER);
    g.fill(frame);
    g.setClip(frame);
    paint(g, features, fill, valley, width);
    g.setClip(null);
    // No locator box on the map itself: it would cross the municipalities it points at.
    g.setColor(Color.DARK_GRAY);
    g.setStroke(new BasicStroke(Math.max(1f, width / 900f)));
    g.draw(frame);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, width / 110)));
    g.drawString("Mexico City and surroundings", (float) box[0],
        (float) (box[1] + box[3] + width / 80.0));
    g.dispose();
    return image;
  }

  /** The municipalities filled and outlined in white, then the state borders over them. */
  private static void paint(Graphics2D g, JsonNode features, Function<String, Color> fill,
      Projection projection, int width) {
    g.setStroke(new BasicStroke(0.4f));
    for (JsonNode feature : features) {
      Path2D outline = outline(feature.path("geometry"), projection);
      g.setColor(fill.apply(feature.path("properties").path("id").asText()));
      g.fill(outline);
      g.setColor(Color.WHITE);
      g.draw(outline);
    }
    g.setColor(STATE_BORDER);
    g.setStroke(new BasicStroke(Math.max(1f, width / 1200f), BasicStroke.CAP_ROUND,
        BasicStroke.JOIN_ROUND));
    g.draw(stateBorders(features, projection));
  }

  /** A side of a polygon, the same whichever way round its ring runs. */
  private record Edge(double x1, double y1, double x2, double y2) {
    static Edge of(JsonNode a, JsonNode b) {
      double ax = a.get(0).asDouble();
      double ay = a.get(1).asDouble();
      double bx = b.get(0).asDouble();
      double by = b.get(1).asDouble();
      return ax < bx || ax == bx && ay <= by ? new Edge(ax, ay, bx, by)
          : new Edge(bx, by, ax, ay);
    }
  }

  /**
   * The sides that separate two states, or a state from the sea or the border: those that only
   * one municipality has, or that two municipalities of different states share (the state is
   * the first two digits of INEGI's code). The layer keeps its topology when simplified, so
   * neighbours share their sides vertex for vertex.
   */
  private static Path2D stateBorders(JsonNode features, Projection projection) {
    Map<Edge, String> stateOf = new HashMap<>();
    Map<Edge, Boolean> border = new HashMap<>();
    for (JsonNode feature : features) {
      String state = feature.path("properties").path("id").asText().substring(0, 2);
      for (JsonNode ring : rings(feature.path("geometry"))) {
        for (int i = 1; i < ring.size(); i++) {
          Edge edge = Edge.of(ring.get(i - 1), ring.get(i));
          String other = stateOf.putIfAbsent(edge, state);
          border.put(edge, other == null || !other.equals(state));
        }
      }
    }
    Path2D path = new Path2D.Double();
    border.forEach((edge, separates) -> {
      if (separates) {
        Point2D a = projection.at(new double[] {edge.x1(), edge.y1()});
        Point2D b = projection.at(new double[] {edge.x2(), edge.y2()});
        path.moveTo(a.getX(), a.getY());
        path.lineTo(b.getX(), b.getY());
      }
    });
    return path;
  }

  /** Pixel of a (lon, lat) on a map {@code width} pixels wide. */
  public static Point2D pixel(double[] lonLat, int width) {
    return Projection.of(width).at(lonLat);
  }

  /**
   * The equirectangular projection of a box whose north-west corner ({@code west},
   * {@code north}) is drawn at pixel ({@code left}, {@code top}), {@code scale} pixels per
   * degree of latitude.
   */
  private record Projection(double west, double north, double scale, double left, double top) {
    /** The whole country on a map {@code width} pixels wide. */
    static Projection of(int width) {
      return new Projection(WEST, NORTH, width / ((EAST - WEST) * X_SCALE), 0, 0);
    }

    Point2D at(double[] lonLat) {
      return new Point2D.Double(left + (lonLat[0] - west) * X_SCALE * scale,
          top + (north - lonLat[1]) * scale);
    }
  }

  private static Ellipse2D disc(Point2D centre, double diameter) {
    return new Ellipse2D.Double(centre.getX() - diameter / 2, centre.getY() - diameter / 2,
        diameter, diameter);
  }

  /** Rings of a Polygon or MultiPolygon as one path (even-odd: holes stay holes). */
  private static Path2D outline(JsonNode geometry, Projection projection) {
    Path2D path = new Path2D.Double(Path2D.WIND_EVEN_ODD);
    for (JsonNode ring : rings(geometry)) {
      List<double[]> points = new ArrayList<>(ring.size());
      ring.forEach(xy -> points.add(new double[] {xy.get(0).asDouble(), xy.get(1).asDouble()}));
      trace(path, points, projection);
      path.closePath();
    }
    return path;
  }

  /** Every ring, outer and inner, of a Polygon or MultiPolygon. */
  private static List<JsonNode> rings(JsonNode geometry) {
    JsonNode coordinates = geometry.path("coordinates");
    List<JsonNode> polygons = new ArrayList<>();
    if (geometry.path("type").asText().equals("MultiPolygon")) {
      coordinates.forEach(polygons::add);
    } else {
      polygons.add(coordinates);
    }
    List<JsonNode> rings = new ArrayList<>();
    polygons.forEach(polygon -> polygon.forEach(rings::add));
    return rings;
  }

  /** Adds a line through (lon, lat) points to the path, starting a new subpath. */
  private static void trace(Path2D path, List<double[]> lonLats, Projection projection) {
    for (int i = 0; i < lonLats.size(); i++) {
      Point2D p = projection.at(lonLats.get(i));
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
