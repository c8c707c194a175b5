package org.violence.lakehouse.conf;

/**
 * A command line, or a file it names (a notebook, a query file), that cannot be used; it ends
 * the command with exit code 2, like a bad configuration.
 */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message + " (see --help)");
  }
}
