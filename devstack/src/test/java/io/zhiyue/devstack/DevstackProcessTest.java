package io.zhiyue.devstack;

import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevstackProcessTest {

    @Test
    void startsRealPostgresAndRedisAndStopsThem() throws Exception {
        Endpoints endpoints;
        try (DevstackProcess devstack = DevstackProcess.start(true, true, Path.of("target", "devstack-test.log"))) {
            endpoints = devstack.endpoints();
            URI pg = URI.create(endpoints.pgUrl());
            try (Connection connection = DriverManager.getConnection(
                    "jdbc:postgresql://" + pg.getHost() + ":" + pg.getPort() + pg.getPath(), "postgres", "postgres");
                 Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT current_database(), current_setting('server_version_num')::int")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("zhiyue");
                assertThat(rs.getInt(2)).isGreaterThanOrEqualTo(150000);
            }
            try (RespClient redis = new RespClient(endpoints.redisUrl())) {
                assertThat(redis.call("PING")).isEqualTo("PONG");
                assertThat(redis.call("INFO", "server").toString()).contains("redis_version:6.2");
            }
        }
        String stopped = endpoints.redisUrl();
        assertThatThrownBy(() -> new RespClient(stopped).close()).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void persistentDataIsDurableAndSurvivesARestart() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "devstack-data");
        String[] args = {"--data", data.toString()};
        try (DevstackProcess first = DevstackProcess.start(args, Path.of("target", "devstack-persist.log"))) {
            try (Connection connection = connect(first.endpoints()); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE kept (v text)");
                statement.execute("INSERT INTO kept VALUES ('still here')");
                try (ResultSet rs = statement.executeQuery("SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("on");
                    assertThat(rs.getString(2)).isEqualTo("on");
                }
            }
        }
        try (DevstackProcess second = DevstackProcess.start(args, Path.of("target", "devstack-persist.log"));
             Connection connection = connect(second.endpoints());
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
    }

    private static Connection connect(Endpoints endpoints) throws Exception {
        URI pg = URI.create(endpoints.pgUrl());
        return DriverManager.getConnection("jdbc:postgresql://" + pg.getHost() + ":" + pg.getPort() + pg.getPath(),
                "postgres", "postgres");
    }
}
