package io.zhiyue.shared.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the two connection settings every service takes ({@code ZHIYUE_PG_URL} as
 * {@code postgresql://user:pass@host:port/db}, {@code ZHIYUE_REDIS_URL} as
 * {@code redis://host:port}) into the Quarkus properties they stand for.
 */
public final class ConnectionUrls {

    private ConnectionUrls() {
    }

    /**
     * The properties for this application: the JDBC ones only where a JDBC driver is present (a
     * service without Flyway has none, and Quarkus would warn about an unknown key).
     */
    public static Map<String, String> forThisApplication(String pgUrl, String redisUrl) {
        Map<String, String> properties = quarkusProperties(pgUrl, redisUrl);
        if (!hasJdbcDriver()) {
            properties.keySet().removeIf(key -> key.startsWith("quarkus.datasource.jdbc."));
        }
        return properties;
    }

    private static boolean hasJdbcDriver() {
        try {
            Class.forName("org.postgresql.Driver", false, ConnectionUrls.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    public static Map<String, String> quarkusProperties(String pgUrl, String redisUrl) {
        Map<String, String> properties = new LinkedHashMap<>();
        if (pgUrl != null && !pgUrl.isBlank()) {
            URI uri = URI.create(pgUrl.trim());
            if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
                throw new IllegalArgumentException("ZHIYUE_PG_URL must look like postgresql://user:pass@host:port/db");
            }
            int port = uri.getPort() > 0 ? uri.getPort() : 5432;
            String hostPortDb = uri.getHost() + ":" + port + uri.getRawPath();
            properties.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostPortDb);
            properties.put("quarkus.datasource.reactive.url", "postgresql://" + hostPortDb);
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                String[] parts = userInfo.split(":", 2);
                properties.put("quarkus.datasource.username", decode(parts[0]));
                if (parts.length > 1) {
                    properties.put("quarkus.datasource.password", decode(parts[1]));
                }
            }
        }
        if (redisUrl != null && !redisUrl.isBlank()) {
            properties.put("quarkus.redis.hosts", redisUrl.trim());
        }
        return properties;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
