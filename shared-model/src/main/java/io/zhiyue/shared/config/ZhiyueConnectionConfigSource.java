package io.zhiyue.shared.config;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Map;
import java.util.Set;

/**
 * Lets {@code ZHIYUE_PG_URL} and {@code ZHIYUE_REDIS_URL} configure the datasource and Redis.
 * Ordinal 275: above application.properties (250), below explicit QUARKUS_* env vars (300).
 */
public class ZhiyueConnectionConfigSource implements ConfigSource {

    private final Map<String, String> properties;

    public ZhiyueConnectionConfigSource() {
        this.properties = ConnectionUrls.forThisApplication(
                setting("ZHIYUE_PG_URL", "zhiyue.pg.url"),
                setting("ZHIYUE_REDIS_URL", "zhiyue.redis.url"));
    }

    private static String setting(String env, String property) {
        String fromProperty = System.getProperty(property);
        return fromProperty != null ? fromProperty : System.getenv(env);
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "zhiyue-connection-urls";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
