package org.violence.lakehouse.analyst;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructField;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;

/**
 * The data dictionary of the silver and gold tables: every column with its type and meaning as
 * Delta stores them (so it shows what SQL clients see, not what the code hopes), and the
 * source and unit declared with the table.
 */
final class DataDictionary {
  public static final String PAGE = "dictionary.html";

  /** One column of one table; meaning is null when Delta holds no comment for it. */
  public record Entry(Table table, String column, String type, String meaning, String unit) {}

  private DataDictionary() {}

  /** Silver and gold tables of the lakehouse, columns in the order Delta stores them. */
  public static List<Entry> entries(Lakehouse lakehouse) {
    List<Entry> entries = new ArrayList<>();
    for (Table table : SqlCatalog.tables()) {
      if (table.layer() != Table.Layer.SILVER && table.layer() != Table.Layer.GOLD
          || !lakehouse.exists(table)) {
        continue;
      }
      for (StructField field : lakehouse.read(table).schema().fields()) {
        entries.add(new Entry(table, field.name(), field.dataType().simpleString(),
            field.getComment().isDefined() ? field.getComment().get() : null,
            table.units().get(field.name())));
      }
    }
    return entries;
  }

  public static String html(List<Entry> entries) {
    Map<Table, List<Entry>> byTable = new LinkedHashMap<>();
    entries.forEach(e -> byTable.computeIfAbsent(e.table(), t -> new ArrayList<>()).add(e));
    StringBuilder body = new StringBuilder("<h1>Data dictionary</h1>\n<p>Silver and gold "
        + "tables, as registered for SQL (<code>layer.table</code>). Types and meanings are read "
        + "from each Delta table's schema and column comments.</p>\n<ul>\n");
    byTable.keySet().forEach(t -> body.append("<li><a href=\"#").append(t.qualifiedName())
        .append("\">").append(t.qualifiedName()).append("</a></li>\n"));
    body.append("</ul>\n");
    byTable.forEach((table, columns) -> {
      body.append("<h2 id=\"").append(table.qualifiedName()).append("\">")
          .append(table.qualifiedName()).append("</h2>\n<p>")
          .append(Html.escape(table.description())).append("</p>\n<p><b>Source:</b> ")
          .append(Html.escape(table.source())).append("</p>\n<table>\n<tr><th>column</th>"
              + "<th>type</th><th>meaning</th><th>unit</th></tr>\n");
      for (Entry e : columns) {
        body.append("<tr><td><code>").append(e.column()).append("</code></td><td>")
            .append(e.type()).append("</td><td>")
            .append(Html.escape(e.meaning() == null ? "" : e.meaning())).append("</td><td>")
            .append(Html.escape(e.unit() == null ? "" : e.unit())).append("</td></tr>\n");
      }
      body.append("</table>\n");
    });
    return Html.page("Data dictionary", body.toString());
  }
}
