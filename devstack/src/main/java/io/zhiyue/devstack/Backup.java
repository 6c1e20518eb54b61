package io.zhiyue.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Backups of the devstack while the suite runs, and their restore. pg_dump is not among the
 * embedded PostgreSQL's binaries, so the PostgreSQL part is an online base backup through
 * PostgreSQL's own low-level API (the one pg_basebackup uses): {@code pg_backup_start}, a copy of
 * the data directory, {@code pg_backup_stop}, its backup label and the WAL written meanwhile (a
 * temporary replication slot keeps that WAL from being recycled). PostgreSQL replays that WAL when
 * the restored directory starts, so the copy is consistent as of the stop. Redis is saved with
 * BGSAVE right after and its RDB file goes in too. One zip file: {@code postgres/…},
 * {@code redis/dump.rdb} and a manifest last; every entry carries a CRC that the restore checks.
 *
 * <p>Restore writes the backup next to the data directory first, and only then swaps it in; the
 * data it replaces is kept beside it ({@code data.before-restore-…}), never deleted.
 */
public final class Backup {

    /** The manifest: the last entry of every backup. */
    static final String MANIFEST = "zhiyue-backup.properties";
    static final String FORMAT = "1";
    private static final String POSTGRES = "postgres/";
    private static final String REDIS_RDB = "redis/dump.rdb";
    private static final Pattern WAL_SEGMENT = Pattern.compile("[0-9A-F]{24}");
    /** What PostgreSQL's documentation says a base backup leaves out (their directories stay). */
    private static final Set<String> CONTENTS_LEFT_OUT = Set.of("pg_wal", "pg_replslot", "pg_stat_tmp",
            "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans");
    private static final Set<String> FILES_LEFT_OUT = Set.of("postmaster.pid", "postmaster.opts", "backup_label",
            "tablespace_map", "pg_internal.init");
    private static final Duration REDIS_SAVE_TIMEOUT = Duration.ofMinutes(2);

    /** What a backup holds. */
    public record Made(Path file, long bytes, int files, int walSegments, String startLsn, String stopLsn,
            boolean redis, long millis) {
    }

    /** What a restore did; {@code keptAside} is where the data it replaced now is (null when there was none). */
    public record Restored(Path dataDir, Path keptAside, int files, Properties manifest) {
    }

    private Backup() {
    }

    /**
     * Backs up the devstack at {@code endpoints} into {@code file} while it runs.
     *
     * @throws IllegalStateException when the PostgreSQL or Redis is not one whose files are on this machine
     */
    public static Made create(Endpoints endpoints, Path file) throws IOException, SQLException {
        long started = System.nanoTime();
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = parent.resolve(file.getFileName() + ".partial");
        int[] files = {0};
        String startLsn;
        String stopLsn;
        int walSegments;
        boolean redis = endpoints.redisUrl() != null;
        try (Connection pg = connect(endpoints.pgUrl());
             OutputStream out = Files.newOutputStream(partial);
             ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(Deflater.BEST_SPEED);
            Path dataDir = Path.of(single(pg, "SHOW data_directory"));
            if (!Files.isRegularFile(dataDir.resolve("PG_VERSION"))) {
                throw new IllegalStateException("PostgreSQL's data directory " + dataDir + " is not on this machine: "
                        + "./zhiyue backup copies the devstack's own files; back up another server with its own tools "
                        + "(pg_dump, pgBackRest, WAL-G; see k8s/README.md)");
            }
            Properties manifest = new Properties();
            manifest.setProperty("format", FORMAT);
            manifest.setProperty("created", Instant.now().toString());
            manifest.setProperty("postgres.version", single(pg, "SHOW server_version"));
            try (Statement statement = pg.createStatement()) {
                // the slot reserves WAL from here until this session ends, so none the backup needs is recycled
                statement.execute("SELECT pg_create_physical_replication_slot('zhiyue_backup_' || pg_backend_pid(), "
                        + "true, true)");
            }
            startLsn = single(pg, "SELECT pg_backup_start('zhiyue " + manifest.getProperty("created") + "', true)");
            String label;
            String tablespaceMap;
            try {
                copyDataDirectory(dataDir, zip, files);
            } finally {
                try (Statement statement = pg.createStatement();
                     ResultSet stop = statement.executeQuery("SELECT lsn, labelfile, spcmapfile FROM pg_backup_stop(false)")) {
                    stop.next();
                    stopLsn = stop.getString(1);
                    label = stop.getString(2);
                    tablespaceMap = stop.getString(3);
                }
            }
            put(zip, POSTGRES + "backup_label", label.getBytes(StandardCharsets.UTF_8));
            if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
                put(zip, POSTGRES + "tablespace_map", tablespaceMap.getBytes(StandardCharsets.UTF_8));
            }
            walSegments = copyWal(dataDir.resolve("pg_wal"), walFile(pg, startLsn), walFile(pg, stopLsn), zip);
            if (redis) {
                copy(saveRedis(endpoints.redisUrl()), REDIS_RDB, zip);
            }
            manifest.setProperty("postgres.start-lsn", startLsn);
            manifest.setProperty("postgres.stop-lsn", stopLsn);
            manifest.setProperty("redis", Boolean.toString(redis));
            // last in the stream: a restore reads the entries in order, so the manifest's presence also
            // says the file was written to its end
            ZipEntry entry = new ZipEntry(MANIFEST);
            zip.putNextEntry(entry);
            manifest.store(zip, "ZhiYue devstack backup");
            zip.closeEntry();
        } catch (IOException | SQLException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Made(file, Files.size(file), files[0], walSegments, startLsn, stopLsn, redis,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * Restores {@code backup} as the devstack's data in {@code dataDir}; the devstack must be stopped.
     *
     * @throws IllegalArgumentException when the file is not a complete ZhiYue backup (nothing is touched then)
     * @throws IllegalStateException when PostgreSQL still runs on {@code dataDir}
     */
    public static Restored restore(Path backup, Path dataDir) throws IOException {
        Path data = dataDir.toAbsolutePath().normalize();
        if (isRunning(data.resolve("postgres"))) {
            throw new IllegalStateException("PostgreSQL still runs on " + data + ": stop the suite first (./zhiyue down)");
        }
        Path staging = data.resolveSibling(data.getFileName() + ".restoring");
        deleteTree(staging);
        Files.createDirectories(staging);
        Unpacked unpacked = unpack(backup, staging);
        ownerOnly(staging.resolve("postgres"));
        Path rdb = staging.resolve(REDIS_RDB);
        if (Files.isRegularFile(rdb)) {
            // Redis (AOF on) loads an append-only file that starts with an RDB preamble: the snapshot is one
            Files.copy(rdb, rdb.resolveSibling("appendonly.aof"));
        }
        Path keptAside = null;
        if (Files.exists(data)) {
            keptAside = data.resolveSibling(data.getFileName() + ".before-restore-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()));
            Files.move(data, keptAside, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staging, data, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            if (keptAside != null) {
                Files.move(keptAside, data, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        return new Restored(data, keptAside, unpacked.files(), unpacked.manifest());
    }

    /**
     * Reads the whole backup (every entry's CRC) and checks its manifest without writing anything.
     *
     * @throws IllegalArgumentException when it is not a complete ZhiYue backup
     */
    public static Properties verify(Path backup) throws IOException {
        return unpack(backup, null).manifest();
    }

    private record Unpacked(Properties manifest, int files) {
    }

    /** Unpacks into {@code target}, or only reads and checks when it is null; deletes a partial target. */
    private static Unpacked unpack(Path backup, Path target) throws IOException {
        Properties manifest = null;
        int files = 0;
        Set<String> names = new java.util.HashSet<>();
        Path staging = target == null ? Path.of("/nonexistent-zhiyue-verify") : target;
        try (InputStream in = Files.newInputStream(backup); ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (entry.getName().equals(MANIFEST)) {
                    manifest = new Properties();
                    manifest.load(zip);
                    continue;
                }
                Path path = staging.resolve(entry.getName()).normalize();
                if (!path.startsWith(staging) || !(entry.getName().startsWith(POSTGRES) || entry.getName().equals(REDIS_RDB))) {
                    throw new IllegalArgumentException(backup + " is not a ZhiYue backup: it holds " + entry.getName());
                }
                names.add(entry.getName());
                if (entry.isDirectory()) {
                    if (target != null) {
                        Files.createDirectories(path);
                    }
                } else {
                    // ZipInputStream checks each entry's CRC as it reaches the entry's end
                    if (target != null) {
                        Files.createDirectories(path.getParent());
                        Files.copy(zip, path);
                    } else {
                        zip.transferTo(OutputStream.nullOutputStream());
                    }
                    files++;
                }
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            deleteTree(target);
            throw new IllegalArgumentException(backup + " is not a complete ZhiYue backup: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            deleteTree(target);
            throw e;
        }
        boolean redisExpected = manifest != null && Boolean.parseBoolean(manifest.getProperty("redis"));
        if (manifest == null || !FORMAT.equals(manifest.getProperty("format"))
                || !names.contains(POSTGRES + "backup_label") || !names.contains(POSTGRES + "PG_VERSION")
                || (redisExpected && !names.contains(REDIS_RDB))) {
            deleteTree(target);
            throw new IllegalArgumentException(backup + " is not a complete ZhiYue backup (format " + FORMAT
                    + "): its manifest, PostgreSQL's backup label or the Redis snapshot it lists is missing");
        }
        return new Unpacked(manifest, files);
    }

    private static void copyDataDirectory(Path dataDir, ZipOutputStream zip, int[] files) throws IOException {
        Files.walkFileTree(dataDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                String name = entryName(dataDir, dir);
                if (!name.isEmpty()) {
                    zip.putNextEntry(new ZipEntry(POSTGRES + name + "/"));
                    zip.closeEntry();
                }
                boolean leftOut = dir.getParent() != null && dir.getParent().equals(dataDir)
                        && CONTENTS_LEFT_OUT.contains(dir.getFileName().toString());
                return leftOut ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile() && !FILES_LEFT_OUT.contains(file.getFileName().toString())
                        && !file.getFileName().toString().startsWith("pgsql_tmp")) {
                    try {
                        copy(file, POSTGRES + entryName(dataDir, file), zip);
                        files[0]++;
                    } catch (NoSuchFileException vanished) {
                        // a table dropped or a temporary file removed meanwhile: WAL replay knows it is gone
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    /** The WAL segments from the backup's start to its stop (the stop's segment was switched, so it is whole). */
    private static int copyWal(Path walDir, String first, String last, ZipOutputStream zip) throws IOException {
        List<String> segments = new ArrayList<>();
        try (var names = Files.list(walDir)) {
            names.map(p -> p.getFileName().toString())
                    .filter(name -> WAL_SEGMENT.matcher(name).matches())
                    .filter(name -> name.compareTo(first) >= 0 && name.compareTo(last) <= 0)
                    .sorted()
                    .forEach(segments::add);
        }
        if (segments.isEmpty() || !segments.getFirst().equals(first) || !segments.getLast().equals(last)) {
            throw new IllegalStateException("the WAL from " + first + " to " + last + " is not all in " + walDir
                    + " (found " + segments + ")");
        }
        for (String segment : segments) {
            copy(walDir.resolve(segment), POSTGRES + "pg_wal/" + segment, zip);
        }
        return segments.size();
    }

    /** Saves Redis in the background and answers its RDB file once written. */
    private static Path saveRedis(String redisUrl) {
        try (RespClient redis = new RespClient(redisUrl)) {
            List<?> dir = (List<?>) redis.call("CONFIG", "GET", "dir");
            List<?> name = (List<?>) redis.call("CONFIG", "GET", "dbfilename");
            Path rdb = Path.of((String) dir.get(1)).resolve((String) name.get(1));
            long deadline = System.nanoTime() + REDIS_SAVE_TIMEOUT.toNanos();
            long before = (Long) redis.call("LASTSAVE");
            // LASTSAVE counts seconds: start in a later second than the last save, so a new one is seen
            while (Instant.now().getEpochSecond() <= before) {
                sleep(50);
            }
            // a save or an AOF rewrite of its own (the devstack's save points) makes BGSAVE refuse: wait it out
            while (!startedSave(redis)) {
                requireBefore(deadline);
                sleep(100);
            }
            while ((Long) redis.call("LASTSAVE") <= before) {
                String persistence = (String) redis.call("INFO", "persistence");
                if (persistence.contains("rdb_bgsave_in_progress:0") && persistence.contains("rdb_last_bgsave_status:err")) {
                    throw new IllegalStateException("Redis could not save its data (INFO persistence: "
                            + persistence.replace("\r\n", " ") + ")");
                }
                requireBefore(deadline);
                sleep(50);
            }
            if (!Files.isRegularFile(rdb)) {
                throw new IllegalStateException("Redis saved to " + rdb + ", which is not on this machine: "
                        + "./zhiyue backup copies the devstack's own files");
            }
            return rdb;
        }
    }

    /** BGSAVE; false when Redis refused because a save or rewrite already runs. */
    private static boolean startedSave(RespClient redis) {
        try {
            redis.call("BGSAVE");
            return true;
        } catch (IllegalStateException e) {
            if (e.getMessage() != null && e.getMessage().contains("in progress")) {
                return false;
            }
            throw e;
        }
    }

    private static void requireBefore(long deadline) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Redis did not finish saving within " + REDIS_SAVE_TIMEOUT);
        }
    }

    private static void copy(Path file, String entryName, ZipOutputStream zip) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            zip.putNextEntry(new ZipEntry(entryName));
            in.transferTo(zip);
            zip.closeEntry();
        }
    }

    private static void put(ZipOutputStream zip, String entryName, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(entryName));
        zip.write(content);
        zip.closeEntry();
    }

    private static String entryName(Path root, Path path) {
        return root.relativize(path).toString().replace('\\', '/');
    }

    private static String walFile(Connection pg, String lsn) throws SQLException {
        return single(pg, "SELECT pg_walfile_name('" + lsn.replace("'", "") + "'::pg_lsn)");
    }

    private static String single(Connection pg, String sql) throws SQLException {
        try (Statement statement = pg.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** A connection from a {@code ZHIYUE_PG_URL} ({@code postgresql://user:password@host:port/db}). */
    static Connection connect(String pgUrl) throws SQLException {
        URI uri = URI.create(pgUrl);
        String[] user = uri.getUserInfo() == null ? new String[] {"postgres", ""} : uri.getUserInfo().split(":", 2);
        return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
                user[0], user.length > 1 ? user[1] : "");
    }

    /** Whether a PostgreSQL whose pid file is in {@code pgData} still runs. */
    private static boolean isRunning(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return false;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return false;
        }
        try {
            return ProcessHandle.of(Long.parseLong(lines.getFirst().trim())).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** PostgreSQL starts only on a data directory its owner alone may read. */
    private static void ownerOnly(Path pgData) throws IOException {
        Files.walkFileTree(pgData, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
