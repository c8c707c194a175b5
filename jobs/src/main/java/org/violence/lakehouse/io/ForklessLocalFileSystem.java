package org.violence.lakehouse.io;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FsConstants;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.local.LocalConfigKeys;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system, less the processes it starts. Without Hadoop's native library, which
 * no Maven artifact ships, Hadoop 3.3 runs {@code chmod} in a new process for each file and folder
 * it creates (every Parquet file, every Delta log and checksum file and their temporary files) and
 * {@code readlink} four times for each rename through {@code FileContext} (how Delta commits and
 * writes its checksums; the four were counted, not derived): ~1,600 processes per two-year run,
 * each ~10 ms of CPU in the kernel and the child, a quarter of a run's CPU (jobs/BENCHMARKS.md).
 * Here the same permission bits are set through Java's file API, and a path is looked up as a link
 * through it before Hadoop's own lookup runs; what Java cannot express (a sticky or set-id bit) and
 * real links still take Hadoop's way. Everything else is Hadoop's {@link LocalFileSystem},
 * checksums included. {@link SparkSessions} makes it every session's {@code file:} scheme, for
 * {@code FileSystem} ({@code fs.file.impl}) and for {@code FileContext}
 * ({@code fs.AbstractFileSystem.file.impl}, {@link ForFileContext}).
 */
public class ForklessLocalFileSystem extends LocalFileSystem {
  public ForklessLocalFileSystem() {
    super(new Raw());
  }

  /** The unchecksummed file system underneath, for both APIs. */
  static final class Raw extends RawLocalFileSystem {
    /** Java's permissions in the order of a mode's bits, highest first (owner read = 0400). */
    private static final PosixFilePermission[] BY_BIT = PosixFilePermission.values();

    @Override
    public void setPermission(Path path, FsPermission permission) throws IOException {
      short mode = permission.toShort();
      if ((mode & ~0777) != 0) {
        super.setPermission(path, permission);
        return;
      }
      Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
      for (int bit = 0; bit < BY_BIT.length; bit++) {
        if ((mode & (0400 >> bit)) != 0) {
          permissions.add(BY_BIT[bit]);
        }
      }
      Files.setPosixFilePermissions(pathToFile(path).toPath(), permissions);
    }

    /**
     * Hadoop asks {@code readlink} about the path's text as a file name; when that is no link it
     * answers with the path's status, which is what this does without the process.
     */
    @Override
    public FileStatus getFileLinkStatus(Path path) throws IOException {
      return Files.isSymbolicLink(new File(path.toString()).toPath())
          ? super.getFileLinkStatus(path) : getFileStatus(path);
    }
  }

  /**
   * The same for {@code FileContext}: Hadoop's {@code LocalFs}, a checksummed {@code RawLocalFs},
   * whose file system is fixed to Hadoop's own, rebuilt around {@link Raw}.
   */
  static final class ForFileContext extends ChecksumFs {
    ForFileContext(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(new DelegateToFileSystem(FsConstants.LOCAL_FS_URI, new Raw(), conf,
          FsConstants.LOCAL_FS_URI.getScheme(), false) {
        @Override
        public int getUriDefaultPort() {
          return -1;
        }

        @Override
        @SuppressWarnings("deprecation") // as RawLocalFs answers both
        public FsServerDefaults getServerDefaults() throws IOException {
          return LocalConfigKeys.getServerDefaults();
        }

        @Override
        public FsServerDefaults getServerDefaults(Path path) throws IOException {
          return LocalConfigKeys.getServerDefaults();
        }

        @Override
        public boolean isValidName(String name) {
          return true;
        }
      });
    }
  }
}
