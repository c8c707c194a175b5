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
import java.util.List;
import java.util.stream.Stream;

/** SHA-256 fingerprints of inputs, configuration and the pipeline's own code. */
public final class Fingerprints {
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
   * The fingerprint of the pipeline's compiled classes. It enters every table's fingerprint, so
   * a new release rebuilds everything instead of keeping tables made by older logic.
   */
  public static synchronized String codeVersion() {
    if (codeVersion == null) {
      codeVersion = computeCodeVersion();
    }
    return codeVersion;
  }

  private static String computeCodeVersion() {
    try {
      Path location = Path.of(Fingerprints.class.getProtectionDomain().getCodeSource()
          .getLocation().toURI());
      if (Files.isRegularFile(location)) {
        try (InputStream jar = Files.newInputStream(location)) {
          return of(jar);
        }
      }
      Path classes = location.resolve(Fingerprints.class.getPackageName().replace('.', '/'))
          .getParent();
      List<Path> files;
      try (Stream<Path> walk = Files.walk(classes)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      MessageDigest digest = sha256();
      for (Path file : files) {
        digest.update(classes.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
        digest.update(Files.readAllBytes(file));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fingerprint the pipeline's code", e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
