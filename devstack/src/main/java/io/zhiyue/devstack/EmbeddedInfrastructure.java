package io.zhiyue.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Embedded PostgreSQL (zonky) and Redis (codemonstur, 6.2) in this process. PostgreSQL refuses
 * to run as root, so {@link DevstackProcess} starts this under a user namespace when needed.
 */
public final class EmbeddedInfrastructure implements AutoCloseable {

    public static final String DATABASE = "zhiyue";
    private static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final RedisServer redis;
    private final Endpoints endpoints;

    private EmbeddedInfrastructure(EmbeddedPostgres postgres, RedisServer redis, Endpoints endpoints) {
        this.postgres = postgres;
        this.redis = redis;
        this.endpoints = endpoints;
    }

    /**
     * @param dataDir where to keep data between runs, or {@code null} for a throw-away instance
     * @param pgPort 0 for a free port; ignored when {@code startPostgres} is false
     * @param redisPort 0 for a free port; ignored when {@code startRedis} is false
     */
    public static EmbeddedInfrastructure start(Path dataDir, boolean startPostgres, int pgPort,
            boolean startRedis, int redisPort) throws IOException {
        EmbeddedPostgres postgres = null;
        RedisServer redis = null;
        try {
            String pgUrl = null;
            if (startPostgres) {
                postgres = startPostgres(dataDir, pgPort == 0 ? freePort() : pgPort);
                createDatabase(postgres.getPort());
                pgUrl = "postgresql://" + USER + ":" + USER + "@127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
            }
            String redisUrl = null;
            if (startRedis) {
                int port = redisPort == 0 ? freePort() : redisPort;
                redis = startRedis(dataDir, port);
                redisUrl = "redis://127.0.0.1:" + port;
            }
            return new EmbeddedInfrastructure(postgres, redis, new Endpoints(pgUrl, redisUrl));
        } catch (IOException | RuntimeException e) {
            closeQuietly(postgres, redis);
            throw e;
        }
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    private static EmbeddedPostgres startPostgres(Path dataDir, int port) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "300")
                .setServerConfig("listen_addresses", "127.0.0.1")
                // per-statement time, rows, buffers and WAL: what `./zhiyue bench grading --profile` reads
                .setServerConfig("shared_preload_libraries", "pg_stat_statements");
        if (dataDir != null) {
            Path pgData = dataDir.resolve("postgres");
            Files.createDirectories(pgData);
            // zonky starts PostgreSQL with -F and synchronous_commit=off; data kept between runs
            // must survive a crash, and a later -c wins over both
            builder.setDataDirectory(pgData).setCleanDataDirectory(false)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on");
        } else {
            // a throw-away test database does not need to survive a power cut
            builder.setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off");
        }
        return builder.start();
    }

    private static void createDatabase(int port) {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (Connection connection = DriverManager.getConnection(url, USER, USER);
             Statement statement = connection.createStatement()) {
            try (ResultSet exists = statement.executeQuery(
                    "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (!exists.next()) {
                    statement.execute("CREATE DATABASE " + DATABASE);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + DATABASE + ": " + e.getMessage(), e);
        }
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, USER, USER);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        } catch (SQLException e) {
            // only the bench's --profile reads it: everything else runs without
            System.err.println("devstack: pg_stat_statements is not available (" + e.getMessage() + ")");
        }
    }

    private static RedisServer startRedis(Path dataDir, int port) throws IOException {
        var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1");
        if (dataDir != null) {
            Path redisData = dataDir.resolve("redis");
            Files.createDirectories(redisData);
            builder.setting("dir " + redisData.toAbsolutePath())
                    .setting("appendonly yes")
                    .setting("appendfsync everysec");
        } else {
            builder.setting("save \"\"").setting("appendonly no");
        }
        RedisServer server = builder.build();
        server.start();
        return server;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closeQuietly(postgres, redis);
    }

    private static void closeQuietly(EmbeddedPostgres postgres, RedisServer redis) {
        if (redis != null) {
            try {
                redis.stop();
            } catch (IOException | RuntimeException e) {
                System.err.println("devstack: stopping Redis failed: " + e.getMessage());
            }
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException | RuntimeException e) {
                System.err.println("devstack: stopping PostgreSQL failed: " + e.getMessage());
            }
        }
    }
}
