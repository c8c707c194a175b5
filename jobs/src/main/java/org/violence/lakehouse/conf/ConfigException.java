package org.violence.lakehouse.conf;

/** A configuration that cannot be used; the message names the key and what is wrong with it. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String key, String problem) {
    super("config key '" + key + "': " + problem);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
