package org.violence.lakehouse.centralamerica;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.violence.lakehouse.io.InputException;

/**
 * The attribute table (.dbf, dBase III) of a shapefile, as OCHA publishes administrative
 * boundaries: a header with the record count and lengths, 32-byte field descriptors ended by
 * 0x0D, then fixed-width records whose first byte is '*' when deleted. Only text is read here
 * (codes, names, dates as YYYYMMDD); the format is small and fixed enough that a library would
 * add a dependency for forty lines.
 */
final class DbaseFile {
  private static final int DESCRIPTOR = 32;
  private static final byte END_OF_DESCRIPTORS = 0x0D;

  /** One record: its 1-based number in the file and its trimmed values by field name. */
  record Record(long number, Map<String, String> values) {}

  private DbaseFile() {}

  static List<Record> read(String file, byte[] bytes, Charset charset) {
    if (bytes.length < DESCRIPTOR + 1) {
      throw InputException.forFile(file, "is too short for a dBase table (" + bytes.length
          + " bytes)");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int records = header.getInt(4);
    int headerLength = Short.toUnsignedInt(header.getShort(8));
    int recordLength = Short.toUnsignedInt(header.getShort(10));
    List<String> names = new ArrayList<>();
    List<Integer> widths = new ArrayList<>();
    for (int at = DESCRIPTOR; at < headerLength && bytes[at] != END_OF_DESCRIPTORS;
        at += DESCRIPTOR) {
      int nameEnd = at;
      while (nameEnd < at + 11 && bytes[nameEnd] != 0) {
        nameEnd++;
      }
      names.add(new String(bytes, at, nameEnd - at, java.nio.charset.StandardCharsets.US_ASCII));
      widths.add(Byte.toUnsignedInt(bytes[at + 16]));
    }
    int widthSum = widths.stream().mapToInt(Integer::intValue).sum();
    if (widthSum + 1 != recordLength
        || (long) headerLength + (long) records * recordLength > bytes.length) {
      throw InputException.forFile(file, "is not a consistent dBase table: " + records
          + " records of " + recordLength + " bytes after a " + headerLength + "-byte header, "
          + "fields of " + widthSum + " bytes, file of " + bytes.length + " bytes");
    }
    List<Record> rows = new ArrayList<>(records);
    for (int r = 0; r < records; r++) {
      int at = headerLength + r * recordLength;
      if (bytes[at] == '*') {
        continue;
      }
      Map<String, String> values = new LinkedHashMap<>();
      int offset = at + 1;
      for (int f = 0; f < names.size(); f++) {
        values.put(names.get(f), new String(bytes, offset, widths.get(f), charset).trim());
        offset += widths.get(f);
      }
      rows.add(new Record(r + 1L, values));
    }
    return rows;
  }
}
