package org.violence.lakehouse.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One run at a time per lakehouse. The lock is a file created with "fail if it exists", holding
 * who owns it; the owner refreshes its modification time while it works. A lock whose owner is
 * gone (its process no longer exists on this host, or it stopped refreshing for longer than the
 * stale period) is taken over by renaming it away first: rename is atomic, so of two runs that
 * both find it stale only one wins.
 */
public final class RunLock implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private final FileSystem fs;
  private final Path file;
  private final ScheduledExecutorService heartbeat;
  private final Optional<String> recoveredFrom;

  /** Another run holds the lock. */
  public static final class RunInProgressException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunInProgressException(String message) {
      super(message);
    }
  }

  /**
   * The lakehouse cannot be used at all: its path is a file, or its lock holds something no run
   * wrote. Neither heals by waiting, so the message says what to do.
   */
  public static final class LakehouseUnusableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LakehouseUnusableException(String message) {
      super(message);
    }
  }

  private RunLock(FileSystem fs, Path file, Optional<String> recoveredFrom) {
    this.fs = fs;
    this.file = file;
    this.recoveredFrom = recoveredFrom;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "run-lock-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
    heartbeat.scheduleAtFixedRate(this::touch, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Takes the lakehouse's lock for {@code runId}, or refuses naming the run that holds it. */
  public static RunLock acquire(Configuration hadoop, String lakehouseRoot, String runId,
      Duration stalePeriod) {
    Path file = new Path(lakehouseRoot + "/_run.lock");
    try {
      FileSystem fs = file.getFileSystem(hadoop);
      Path root = new Path(lakehouseRoot);
      if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
        throw new LakehouseUnusableException("the lakehouse path " + root + " is a file, not a "
            + "folder; give --lakehouse (config key lakehouse) a folder, new or from an earlier "
            + "run");
      }
      Optional<String> recovered = Optional.empty();
      for (int attempt = 0; attempt < 2; attempt++) {
        if (tryCreate(fs, file, runId)) {
          return new RunLock(fs, file, recovered);
        }
        Map<String, String> owner = owner(fs, file);
        if (owner == null) {
          continue; // released between our create and our read
        }
        if (!isStale(fs, file, owner, stalePeriod)) {
          throw new RunInProgressException("another run (" + owner.get("run_id") + ", process "
              + owner.get("pid") + " on " + owner.get("host") + ", started "
              + owner.get("started") + ") is working on this lakehouse; wait for it to end. "
              + "If that process is gone, its lock (" + file + ") is recovered automatically "
              + "after " + stalePeriod.toMinutes() + " minutes without a heartbeat.");
        }
        Path aside = new Path(file + ".stale-" + owner.get("run_id"));
        if (fs.rename(file, aside)) {
          fs.delete(aside, false);
          recovered = Optional.ofNullable(owner.get("run_id"));
        }
      }
      throw new RunInProgressException("could not take the lock " + file
          + ": another run took it at the same moment");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the run lock " + file, e);
    }
  }

  /** The run that died holding the lock this run took over, if any. */
  public Optional<String> recoveredFrom() {
    return recoveredFrom;
  }

  private static boolean tryCreate(FileSystem fs, Path file, String runId) throws IOException {
    Map<String, String> owner = Map.of("run_id", runId, "host", host(),
        "pid", Long.toString(ProcessHandle.current().pid()), "started", Instant.now().toString());
    byte[] content = JSON.writeValueAsString(owner).getBytes(StandardCharsets.UTF_8);
    if (fs instanceof org.apache.hadoop.fs.LocalFileSystem) {
      // Hadoop's local create checks then opens; the JDK's createFile is one atomic O_EXCL.
      java.nio.file.Path local = java.nio.file.Path.of(fs.makeQualified(file).toUri());
      try {
        java.nio.file.Files.createDirectories(local.getParent());
        java.nio.file.Files.write(local, content, java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE);
        return true;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(file, false)) {
      out.write(content);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(file)) {
        return false;
      }
      throw e;
    }
  }

  private static Map<String, String> owner(FileSystem fs, Path file) throws IOException {
    try (var in = fs.open(file)) {
      byte[] bytes = in.readAllBytes();
      if (bytes.length == 0) {
        // Killed between creating and filling the file: nobody owns it.
        return Map.of("run_id", "unknown", "host", host(), "pid", "-1", "started", "?");
      }
      Map<String, String> owner = readOwner(bytes);
      if (owner == null) {
        String start = new String(bytes, 0, Math.min(bytes.length, 60), StandardCharsets.UTF_8);
        throw new LakehouseUnusableException("the run lock " + file + " holds no run's owner "
            + "record (it starts with '" + start.replaceAll("\\p{Cntrl}", "?") + "'): "
            + "something other than a run wrote it. If no run is working on this lakehouse, "
            + "delete that file and run again");
      }
      return owner;
    } catch (java.io.FileNotFoundException e) {
      return null;
    }
  }

  /** The owner a run wrote (run id, host, pid, start), or null if the bytes are not one. */
  private static Map<String, String> readOwner(byte[] bytes) {
    try {
      Map<String, String> owner = JSON.readValue(bytes,
          new com.fasterxml.jackson.core.type.TypeReference<>() {});
      return owner != null && owner.keySet().containsAll(List.of("run_id", "host", "pid",
          "started")) && owner.get("pid").matches("-?\\d+") ? owner : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean isStale(FileSystem fs, Path file, Map<String, String> owner,
      Duration stalePeriod) throws IOException {
    long age = System.currentTimeMillis() - fs.getFileStatus(file).getModificationTime();
    if (age > stalePeriod.toMillis()) {
      return true;
    }
    // On the owner's own host a dead process is certain at once, without waiting.
    return host().equals(owner.get("host")) && ProcessHandle.of(Long.parseLong(owner.get("pid")))
        .map(p -> !p.isAlive()).orElse(true);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  private void touch() {
    try {
      fs.setTimes(file, System.currentTimeMillis(), -1);
    } catch (IOException e) {
      // A missed heartbeat only shortens the time before others may call the lock stale.
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      fs.delete(file, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the run lock " + file, e);
    }
  }
}
