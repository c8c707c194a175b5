package org.violence.lakehouse.io;

/**
 * Bad input that stops a run: a missing, truncated or mis-encoded file, or a header that changed.
 * The message always names the file and, where one applies, the line, so that whoever receives
 * the export can fix it without reading a stack trace.
 */
public final class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;

  public InputException(String file, long line, String problem) {
    super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    this.file = file;
    this.line = line;
  }

  public static InputException forFile(String file, String problem) {
    return new InputException(file, 0, problem);
  }

  public String file() {
    return file;
  }

  /** 1-based line number, or 0 when the problem concerns the whole file. */
  public long line() {
    return line;
  }
}
