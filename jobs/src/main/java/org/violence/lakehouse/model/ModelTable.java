package org.violence.lakehouse.model;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.io.Lakehouse;

/**
 * Models side by side, like fixest's {@code etable}: one column per model, one row per term
 * (estimate with significance stars, standard error in parentheses), then the sample and fit
 * rows. Written as Markdown and HTML next to the tables, under {@code <lakehouse>/reports/},
 * with a coefficient plot (PNG) of each converged model.
 */
public final class ModelTable {
  /** Folder under the lakehouse root where the side-by-side tables and plots are written. */
  public static final String FOLDER = "reports";
  /** The side-by-side table as a page, in {@link #FOLDER}. */
  public static final String HTML = "model_table.html";

  private ModelTable() {}

  /** One paragraph per model for the terminal. */
  public static String describe(PanelModel.Fit fit) {
    Row run = fit.run();
    // A fit that failed before its sample was known (collinear regressors) has no counts.
    String sample = run.getAs("observations") == null ? "" : String.format(", n=%d (dropped: "
            + "%d missing, %d singletons, %d separated)", run.<Long>getAs("observations"),
        run.<Long>getAs("dropped_missing"), run.<Long>getAs("dropped_singletons"),
        run.<Long>getAs("dropped_separated"));
    StringBuilder text = new StringBuilder(String.format("Model %s: %s [%s, vcov %s]%s, %s",
        run.getAs("model"), run.getAs("formula"), run.getAs("family"), run.getAs("vcov"),
        sample, fit.converged() ? "converged in " + run.getAs("iterations") + " iteration(s)"
            : "NOT fitted: " + run.getAs("message")));
    for (Row c : fit.coefficients()) {
      text.append(String.format("%n  %-32s %12.6f  (se %.6f, p %.4f)", c.getString(2),
          c.getDouble(3), c.getDouble(4), c.getDouble(6)));
    }
    return text.toString();
  }

  /** The table as rows of cells, header first. */
  static List<List<String>> cells(List<PanelModel.Fit> fits) {
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of(""));
    fits.forEach(f -> header.add(f.run().getAs("model")));
    rows.add(header);
    Set<String> terms = new LinkedHashSet<>();
    fits.forEach(f -> f.coefficients().forEach(c -> terms.add(c.getString(2))));
    for (String term : terms) {
      List<String> estimates = new ArrayList<>(List.of(term));
      List<String> errors = new ArrayList<>(List.of(""));
      for (PanelModel.Fit fit : fits) {
        Row c = fit.coefficients().stream().filter(r -> r.getString(2).equals(term))
            .findFirst().orElse(null);
        estimates.add(c == null ? "" : String.format("%.4g%s", c.getDouble(3),
            stars(c.getDouble(6))));
        errors.add(c == null ? "" : String.format("(%.4g)", c.getDouble(4)));
      }
      rows.add(estimates);
      rows.add(errors);
    }
    for (String field : List.of("family", "fixed_effects", "vcov", "observations",
        "dropped_singletons", "dropped_separated", "dispersion", "converged")) {
      List<String> row = new ArrayList<>(List.of(field));
      fits.forEach(f -> row.add(String.valueOf((Object) f.run().getAs(field))));
      rows.add(row);
    }
    return rows;
  }

  private static String stars(double p) {
    return p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : "";
  }

  /**
   * The fits by table: first the models configured one by one, then each family of models
   * made from one specification by c(), sw() or csw() (named NAME.1, NAME.2…), so that the
   * steps of one family stand side by side, as fixest's etable shows a multiple estimation.
   */
  static Map<String, List<PanelModel.Fit>> families(List<PanelModel.Fit> fits) {
    Map<String, Long> members = fits.stream().map(ModelTable::familyOf)
        .collect(Collectors.groupingBy(f -> f, Collectors.counting()));
    Map<String, List<PanelModel.Fit>> tables = new LinkedHashMap<>();
    tables.put("", new ArrayList<>());
    for (PanelModel.Fit fit : fits) {
      String family = familyOf(fit);
      tables.computeIfAbsent(members.get(family) > 1 ? family : "", f -> new ArrayList<>())
          .add(fit);
    }
    tables.values().removeIf(List::isEmpty);
    return tables;
  }

  private static String familyOf(PanelModel.Fit fit) {
    return fit.run().<String>getAs(PanelModel.MODEL).replaceFirst("\\.\\d+$", "");
  }

  static String markdown(List<PanelModel.Fit> fits) {
    StringBuilder md = new StringBuilder();
    families(fits).forEach((family, members) -> {
      if (!family.isEmpty()) {
        md.append("\n").append(family).append(": ").append(members.size())
            .append(" models from one specification\n\n");
      }
      List<List<String>> rows = cells(members);
      for (int r = 0; r < rows.size(); r++) {
        md.append("| ").append(String.join(" | ", rows.get(r))).append(" |\n");
        if (r == 0) {
          md.append("|").append("---|".repeat(rows.get(0).size())).append('\n');
        }
      }
    });
    return md.append("\nSignificance: *** p<0.001, ** p<0.01, * p<0.05. Standard errors in "
        + "parentheses, of the kind in the vcov row.\n").toString();
  }

  static String html(List<PanelModel.Fit> fits) {
    StringBuilder html = new StringBuilder();
    families(fits).forEach((family, members) -> {
      if (!family.isEmpty()) {
        html.append("<h3>").append(escape(family)).append(": ").append(members.size())
            .append(" models from one specification</h3>\n");
      }
      html.append("<table>\n");
      List<List<String>> rows = cells(members);
      for (int r = 0; r < rows.size(); r++) {
        String tag = r == 0 ? "th" : "td";
        html.append("<tr>");
        for (String cell : rows.get(r)) {
          html.append('<').append(tag).append('>').append(escape(cell)).append("</")
              .append(tag).append('>');
        }
        html.append("</tr>\n");
      }
      html.append("</table>\n");
    });
    return html.append("<p>Significance: *** p&lt;0.001, ** p&lt;0.01, * p&lt;0.05. "
        + "Standard errors in parentheses.</p>\n").toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /**
   * Writes model_table.md, model_table.html, coefficients_MODEL.png and, for an event study,
   * MODEL_event_study.png under the lakehouse's reports folder.
   */
  public static void write(Lakehouse lakehouse, List<PanelModel.Fit> fits) {
    writeFile(lakehouse, "model_table.md", markdown(fits).getBytes(StandardCharsets.UTF_8));
    writeFile(lakehouse, HTML, html(fits).getBytes(StandardCharsets.UTF_8));
    for (PanelModel.Fit fit : fits) {
      if (fit.converged()) {
        writeFile(lakehouse, plotName(fit), CoefficientPlot.png(fit));
        byte[] eventStudy = EventStudyPlot.png(fit);
        if (eventStudy != null) {
          writeFile(lakehouse, eventStudyPlotName(fit), eventStudy);
        }
      }
    }
  }

  static String eventStudyPlotName(PanelModel.Fit fit) {
    return eventStudyPlotName(fit.run().<String>getAs(PanelModel.MODEL));
  }

  /** The event-study plot of one model (one with leads and lags), in {@link #FOLDER}. */
  public static String eventStudyPlotName(String model) {
    return model + "_event_study.png";
  }

  static String plotName(PanelModel.Fit fit) {
    return plotName(fit.run().<String>getAs(PanelModel.MODEL));
  }

  /** The coefficient plot of one model, in {@link #FOLDER}. */
  public static String plotName(String model) {
    return "coefficients_" + model + ".png";
  }

  private static void writeFile(Lakehouse lakehouse, String name, byte[] bytes) {
    Path path = new Path(lakehouse.root() + "/" + FOLDER + "/" + name);
    try (OutputStream out = FileSystem.get(path.toUri(),
        lakehouse.spark().sparkContext().hadoopConfiguration()).create(path, true)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }
}
