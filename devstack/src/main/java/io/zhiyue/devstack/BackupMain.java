package io.zhiyue.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code ./zhiyue backup} and {@code ./zhiyue restore}: see {@link Backup}.
 *
 * <pre>
 * BackupMain backup --pg-url URL [--redis-url URL] FILE
 * BackupMain verify FILE
 * BackupMain restore --data DIR FILE
 * </pre>
 */
public final class BackupMain {

    private static final String USAGE = "usage: BackupMain backup --pg-url URL [--redis-url URL] FILE"
            + " | verify FILE | restore --data DIR FILE";

    private BackupMain() {
    }

    public static void main(String[] args) {
        String pgUrl = null;
        String redisUrl = null;
        Path data = null;
        Path file = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--pg-url" -> pgUrl = args[++i];
                case "--redis-url" -> redisUrl = args[++i];
                case "--data" -> data = Path.of(args[++i]);
                default -> file = Path.of(args[i]);
            }
        }
        String command = args.length == 0 ? "" : args[0];
        try {
            switch (command) {
                case "backup" -> {
                    if (pgUrl == null || file == null) {
                        fail(USAGE);
                    }
                    Backup.Made made = Backup.create(new Endpoints(pgUrl, redisUrl), file);
                    System.out.printf(Locale.ROOT, "backup    %s%n", made.file());
                    System.out.printf(Locale.ROOT, "  size    %,d bytes in %,d ms%n", made.bytes(), made.millis());
                    System.out.printf(Locale.ROOT, "  postgres %,d files and %d WAL segments, consistent as of LSN %s%n",
                            made.files(), made.walSegments(), made.stopLsn());
                    System.out.printf(Locale.ROOT, "  redis   %s%n", made.redis() ? "RDB snapshot taken right after" : "not included");
                    System.out.printf(Locale.ROOT, "restore with: ./zhiyue restore %s%n", made.file());
                }
                case "verify" -> {
                    if (file == null || !Files.isRegularFile(file)) {
                        fail("verify: no such file " + file);
                    }
                    java.util.Properties manifest = Backup.verify(file);
                    System.out.printf(Locale.ROOT, "verified  %s: whole (made %s, PostgreSQL %s, LSN %s, Redis %s)%n", file,
                            manifest.getProperty("created"), manifest.getProperty("postgres.version"),
                            manifest.getProperty("postgres.stop-lsn"), manifest.getProperty("redis"));
                }
                case "restore" -> {
                    if (data == null || file == null) {
                        fail(USAGE);
                    }
                    if (!Files.isRegularFile(file)) {
                        fail("restore: no such file " + file);
                    }
                    Backup.Restored restored = Backup.restore(file, data);
                    System.out.printf(Locale.ROOT, "restored  %s (made %s, PostgreSQL %s, LSN %s) into %s%n", file,
                            restored.manifest().getProperty("created"), restored.manifest().getProperty("postgres.version"),
                            restored.manifest().getProperty("postgres.stop-lsn"), restored.dataDir());
                    if (restored.keptAside() != null) {
                        System.out.printf(Locale.ROOT, "  the data it replaced is kept in %s (delete it when you no longer need it)%n",
                                restored.keptAside());
                    }
                }
                default -> fail(USAGE);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            fail(command + ": " + e.getMessage());
        } catch (Exception e) {
            fail(command + " failed: " + e);
        }
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(message.startsWith("usage") ? 2 : 1);
    }
}
