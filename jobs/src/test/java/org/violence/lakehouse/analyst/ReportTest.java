package org.violence.lakehouse.analyst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.gold.SpatialFeatures;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.model.ModelTable;
import org.violence.lakehouse.routes.RouteMap;
import org.violence.lakehouse.silver.MunicipalAreas;
import org.violence.lakehouse.silver.Municipalities;

/**
 * The report of the small real run, looked at: its figures have their sizes and real content,
 * the map colours municipalities by their rate, and headless Chromium renders the page.
 */
class ReportTest extends LakehouseTestBase {
  private Path folder;
  private String progress;

  @BeforeAll
  void writeReport() throws IOException {
    folder = Files.createTempDirectory("report");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new Report(smallRun().lakehouse(), smallRun().config(), new PrintStream(log, true,
        StandardCharsets.UTF_8)).write(folder.toString());
    progress = log.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyFigureHasItsSizeAndIsNotBlank() throws IOException {
    Map<String, int[]> sizes = Map.of(
        Report.NATIONAL, new int[] {Charts.WIDTH, Charts.HEIGHT},
        Report.STATES_REGISTRATION, new int[] {Charts.WIDTH, Charts.HEIGHT},
        Report.STATES_OCCURRENCE, new int[] {Charts.WIDTH, Charts.HEIGHT},
        Report.TOP_MUNICIPALITIES, new int[] {Charts.WIDTH, Charts.HEIGHT},
        Report.coefficientsOf("poisson"), new int[] {720, 420},
        Report.coefficientsOf("gaussian"), new int[] {720, 420},
        Report.RATE_MAP, new int[] {Report.MAP_WIDTH, -1},
        Report.ROUTES, new int[] {RouteMapCommand.WIDTH, -1});
    String index = Files.readString(folder.resolve(Report.INDEX));
    for (Map.Entry<String, int[]> figure : sizes.entrySet()) {
      BufferedImage image = ImageIO.read(folder.resolve(figure.getKey()).toFile());
      assertEquals(figure.getValue()[0], image.getWidth(), figure.getKey());
      if (figure.getValue()[1] > 0) {
        assertEquals(figure.getValue()[1], image.getHeight(), figure.getKey());
      }
      Assertions.assertTrue(colours(image) > 20, figure.getKey() + " has "
          + colours(image) + " colours");
      Assertions.assertTrue(index.contains("<img src=\"" + figure.getKey() + "\""),
          figure.getKey());
    }
    // What the model stage wrote beside the tables is linked: the side-by-side table and every
    // plot (each converged model's coefficients, the event study's).
    String models = Report.defaultFolder(smallRun().lakehouse());
    List<String> written;
    try (var files = Files.list(Path.of(new org.apache.hadoop.fs.Path(models).toUri()
        .getPath()))) {
      written = files.map(file -> file.getFileName().toString())
          .filter(name -> name.equals(ModelTable.HTML) || name.endsWith("_event_study.png")
              || name.startsWith("coefficients_") && !name.endsWith("_models.png")).toList();
    }
    Assertions.assertTrue(written.contains(ModelTable.HTML), written.toString());
    for (String name : written) {
      Assertions.assertTrue(index.contains("<a href=\"" + models + "/" + name + "\">"), name);
    }
    for (String step : List.of("national trend", "state trends", "map of municipal rates",
        "interactive page", "trafficking routes", "models", "data dictionary")) {
      Assertions.assertTrue(progress.contains("  report: " + step + ", "), progress);
    }
  }

  @Test
  void mapColoursEachMunicipalityByItsRate() throws IOException {
    BufferedImage map = ImageIO.read(folder.resolve(Report.RATE_MAP).toFile());
    Map<String, Double> rateOfUnit = new HashMap<>();
    smallRun().lakehouse().read(MunicipalityYearPanel.TABLE)
        .where("year = " + SMALL_YEARS.last()).collectAsList().forEach(r -> rateOfUnit.put(
            r.getAs(Municipalities.STABLE_CODE), r.getAs(Report.MAPPED_RATE)));
    Map<String, String> unitOf = new HashMap<>();
    smallRun().lakehouse().read(Municipalities.TABLE).collectAsList().forEach(r -> unitOf.put(
        r.getAs(Municipalities.MUNICIPALITY_CODE), r.getAs(Municipalities.STABLE_CODE)));
    JsonNode features = new ObjectMapper().readTree(MunicipalAreas.polygons(
        smallRun().lakehouse(), smallRun().config())).path("features");
    // Every municipality whose polygon holds a clear pixel at its middle: that pixel has the
    // colour of its panel unit's rate.
    Set<Integer> classes = new HashSet<>();
    int checked = 0;
    for (JsonNode feature : features) {
      String code = feature.path("properties").path("id").asText();
      int[] pixel = middlePixel(feature.path("geometry"), map.getWidth());
      if (pixel == null) {
        continue;
      }
      Color expected = Report.colourOf(rateOfUnit.get(unitOf.get(code)));
      Assertions.assertEquals(expected.getRGB(), map.getRGB(pixel[0], pixel[1]) | 0xFF000000,
          code + " at rate " + rateOfUnit.get(unitOf.get(code)));
      classes.add(expected.getRGB());
      checked++;
    }
    // About 650 of the 2,457 polygons have such a pixel on a map 1,400 pixels wide.
    Assertions.assertTrue(checked > 500, checked + " municipalities checked");
    Assertions.assertTrue(classes.size() >= 5, classes.size() + " rate classes seen");
    Point2D gulf = RouteMap.pixel(new double[] {-93.0, 24.5}, map.getWidth());
    Assertions.assertEquals(RouteMap.WATER.getRGB(), map.getRGB((int) gulf.getX(),
        (int) gulf.getY()) | 0xFF000000, "Gulf of Mexico");
  }

  /**
   * The pixel at the middle of the bounding box of a polygon without holes (a hole may hold an
   * enclave, another municipality) when it lies well inside it, away from borders and
   * antialiasing; else null.
   */
  private static int[] middlePixel(JsonNode geometry, int width) {
    if (!geometry.path("type").asText().equals("Polygon")
        || geometry.path("coordinates").size() != 1) {
      return null;
    }
    JsonNode ring = geometry.path("coordinates").get(0);
    Path2D outline = new Path2D.Double();
    for (int i = 0; i < ring.size(); i++) {
      Point2D p = RouteMap.pixel(new double[] {ring.get(i).get(0).asDouble(),
          ring.get(i).get(1).asDouble()}, width);
      if (i == 0) {
        outline.moveTo(p.getX(), p.getY());
      } else {
        outline.lineTo(p.getX(), p.getY());
      }
    }
    Rectangle bounds = outline.getBounds();
    int x = bounds.x + bounds.width / 2;
    int y = bounds.y + bounds.height / 2;
    return inside(outline, x, y) ? new int[] {x, y} : null;
  }

  /** The pixel and its neighbours up to 2 pixels away are all inside the outline. */
  private static boolean inside(Path2D outline, int x, int y) {
    for (int dx = -2; dx <= 2; dx++) {
      for (int dy = -2; dy <= 2; dy++) {
        if (!outline.contains(x + dx + 0.5, y + dy + 0.5)) {
          return false;
        }
      }
    }
    return true;
  }

  @Test
  void dictionaryListsEverySilverAndGoldColumnWithItsDeltaComment() throws IOException {
    List<DataDictionary.Entry> entries = DataDictionary.entries(smallRun().lakehouse());
    Set<String> tables = new HashSet<>();
    for (DataDictionary.Entry entry : entries) {
      tables.add(entry.table().qualifiedName());
      Assertions.assertTrue(entry.meaning() != null && !entry.meaning().isBlank(),
          entry.table().qualifiedName() + "." + entry.column() + " has no comment in Delta");
      assertFalse(entry.table().source().isBlank(), entry.table().qualifiedName()
          + " declares no source");
    }
    for (Table table : SqlCatalog.tables()) {
      if (table.layer() == Table.Layer.SILVER || table.layer() == Table.Layer.GOLD) {
        Assertions.assertTrue(tables.contains(table.qualifiedName()), table.qualifiedName());
      }
    }
    String page = Files.readString(folder.resolve(DataDictionary.PAGE));
    Assertions.assertTrue(page.contains("<tr><td><code>" + MunicipalityYearPanel.RATE_REGISTRATION
        + "</code></td><td>double</td><td>Homicides by year of registration per 100,000 "
        + "inhabitants</td><td>homicides per 100,000 inhabitants</td></tr>"), page);
  }

  @Test
  void headlessChromiumRendersThePage() throws Exception {
    Path screenshot = folder.resolve("screenshot.png");
    Path profile = Files.createTempDirectory("chromium-profile");
    Process chromium = new ProcessBuilder("chromium", "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--hide-scrollbars",
        "--user-data-dir=" + profile, "--screenshot=" + screenshot, "--window-size=1280,2400",
        folder.resolve(Report.INDEX).toUri().toString())
        .redirectErrorStream(true).redirectOutput(folder.resolve("chromium.log").toFile())
        .start();
    try {
      Assertions.assertTrue(chromium.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
    } finally {
      chromium.destroyForcibly();
    }
    File png = screenshot.toFile();
    Assertions.assertTrue(png.isFile(), Files.readString(folder.resolve("chromium.log")));
    BufferedImage page = ImageIO.read(png);
    assertEquals(1280, page.getWidth());
    assertEquals(2400, page.getHeight());
    // Charts and map loaded: a blank or text-only page has a handful of colours.
    Assertions.assertTrue(colours(page) > 200, "colours in the screenshot: " + colours(page));
  }

  /**
   * The interactive page in headless Chromium, for each year of the run: chosen through the
   * year selector (a link's #year=... sets it and fires its change event), the map shows that
   * year's rates, as the status line's count and sum of the rates drawn say, and they equal
   * Spark's own count and sum of the panel's rates (to 1e-9 relative: JavaScript adds the same
   * doubles in another order). No script logs anything to the console.
   */
  @Test
  void interactivePageDrawsEachYearChosenWithTheSelectorWithoutConsoleErrors() throws Exception {
    Map<Integer, double[]> expected = new HashMap<>();
    MunicipalityYearPanel.mexico(smallRun().lakehouse().read(MunicipalityYearPanel.TABLE))
        .groupBy(MunicipalityYearPanel.YEAR)
        .agg(org.apache.spark.sql.functions.count(SpatialFeatures.EB_LOCAL),
            org.apache.spark.sql.functions.sum(SpatialFeatures.EB_LOCAL))
        .collectAsList().forEach(row -> expected.put(row.getInt(0),
            new double[] {row.getLong(1), row.getDouble(2)}));
    Assertions.assertEquals(2, expected.size(), expected.keySet().toString());
    Pattern status = Pattern.compile("<output id=\"status\" data-year=\"(\\d+)\" "
        + "data-units=\"(\\d+)\" data-rate-sum=\"([0-9.]+)\">");
    for (Map.Entry<Integer, double[]> year : expected.entrySet()) {
      Chromium page = chromium(folder.resolve(InteractivePage.PAGE).toUri() + "#year="
          + year.getKey(), "--dump-dom");
      Matcher drawn = status.matcher(page.out());
      Assertions.assertTrue(drawn.find(), page.out());
      assertEquals(year.getKey().toString(), drawn.group(1));
      assertEquals((long) year.getValue()[0], Long.parseLong(drawn.group(2)));
      assertEquals(year.getValue()[1], Double.parseDouble(drawn.group(3)),
          1e-9 * year.getValue()[1]);
      assertFalse(page.log().contains("CONSOLE"), page.log());
      // The selector lists every year and the state table is the chosen year's.
      Assertions.assertTrue(page.out().contains("<span id=\"state-year\">" + year.getKey()
          + "</span>"), page.out());
    }
    Path screenshot = folder.resolve("interactive.png");
    chromium(folder.resolve(InteractivePage.PAGE).toUri().toString(),
        "--screenshot=" + screenshot, "--window-size=1280,1000");
    Assertions.assertTrue(colours(ImageIO.read(screenshot.toFile())) > 30,
        "the map was not drawn: see " + screenshot);

    Assertions.assertTrue(Files.readString(folder.resolve(Report.INDEX)).contains("<a href=\""
        + InteractivePage.PAGE + "\">"));
    long panelRows = MunicipalityYearPanel.mexico(smallRun().lakehouse()
        .read(MunicipalityYearPanel.TABLE)).count();
    assertEquals(panelRows + 1, Files.readAllLines(folder.resolve(
        InteractivePage.MUNICIPALITY_CSV)).size());
    Assertions.assertTrue(Files.readString(folder.resolve(InteractivePage.STATE_CSV))
        .startsWith("state_code,state_name,year,homicides_registration,population,"));
  }

  record Chromium(String out, String log) {}

  /** Headless Chromium as the machine's probe starts it, with its console on stderr. */
  private Chromium chromium(String url, String... what) throws Exception {
    Path profile = Files.createTempDirectory("chromium-profile");
    List<String> command = new java.util.ArrayList<>(List.of("chromium", "--headless",
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
        "--virtual-time-budget=20000", "--user-data-dir=" + profile));
    command.addAll(List.of(what));
    command.add(url);
    Path log = Files.createTempFile("chromium", ".log");
    Process chromium = new ProcessBuilder(command).redirectError(log.toFile()).start();
    String out = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      Assertions.assertTrue(chromium.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
    } finally {
      chromium.destroyForcibly();
    }
    return new Chromium(out, Files.readString(log));
  }

  private static int colours(BufferedImage image) {
    Set<Integer> seen = new HashSet<>();
    for (int x = 0; x < image.getWidth(); x += 2) {
      for (int y = 0; y < image.getHeight(); y += 2) {
        seen.add(image.getRGB(x, y));
      }
    }
    return seen.size();
  }
}
