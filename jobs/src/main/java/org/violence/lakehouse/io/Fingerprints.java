package org.violence.lakehouse.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.spark.SparkBuildInfo;

/** SHA-256 fingerprints of inputs, configuration and the pipeline's own code. */
public final class Fingerprints {
  /** Where our own classes sit, in a jar and in a class folder alike. */
  static final String OWN_CLASSES = "org/violence/lakehouse/";
  private static String codeVersion;

  private Fingerprints() {}

  public static String of(String... components) {
    MessageDigest digest = sha256();
    for (String component : components) {
      digest.update(component.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  public static String of(InputStream in) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 16];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * The fingerprint of the pipeline's compiled classes and of the engines that compute its tables
   * (Spark, Delta). It enters every table's fingerprint, so a new release, or an upgrade of
   * either engine, rebuilds everything instead of keeping tables made by older logic. Only our own
   * classes count, read alike from the packaged jar (spark-submit, the launcher) and from the
   * build's class folder (Maven, the tests): the jar's own bytes change with every build (its
   * entries carry the build's time), so a redeployed jar of unchanged code, or a lakehouse built
   * through Maven and then run from the jar, rebuilt every table.
   */
  public static synchronized String codeVersion() {
    if (codeVersion == null) {
      try {
        codeVersion = codeVersionOf(Path.of(Fingerprints.class.getProtectionDomain()
            .getCodeSource().getLocation().toURI()));
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    return codeVersion;
  }

  /** {@link #codeVersion} of the classes at {@code location}: a jar or a class folder. */
  static String codeVersionOf(Path location) {
    MessageDigest digest = sha256();
    digest.update(("spark " + SparkBuildInfo.spark_version() + " delta "
        + io.delta.package$.MODULE$.VERSION()).getBytes(StandardCharsets.UTF_8));
    ownClasses(location).forEach((name, contents) -> {
      digest.update(name.getBytes(StandardCharsets.UTF_8));
      digest.update(contents);
    });
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Our classes at {@code location} (a jar or a class folder), by name relative to
   * {@link #OWN_CLASSES}, in name order whatever order the jar holds them in.
   */
  private static SortedMap<String, byte[]> ownClasses(Path location) {
    SortedMap<String, byte[]> classes = new TreeMap<>();
    try {
      if (Files.isRegularFile(location)) {
        try (JarFile jar = new JarFile(location.toFile())) {
          for (JarEntry entry : jar.stream().filter(entry -> !entry.isDirectory()
              && entry.getName().startsWith(OWN_CLASSES)).toList()) {
            try (InputStream in = jar.getInputStream(entry)) {
              classes.put(entry.getName().substring(OWN_CLASSES.length()), in.readAllBytes());
            }
          }
        }
      } else {
        Path folder = location.resolve(OWN_CLASSES);
        try (Stream<Path> walk = Files.walk(folder)) {
          for (Path file : walk.filter(Files::isRegularFile).toList()) {
            classes.put(folder.relativize(file).toString(), Files.readAllBytes(file));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fingerprint the pipeline's code", e);
    }
    return classes;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
