package io.zhiyue.cache.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.zhiyue.cache.layered.CacheSettings;
import io.zhiyue.cache.layered.CacheStatus;
import io.zhiyue.cache.layered.LayeredCache;
import io.zhiyue.cache.layered.RedisLayer;
import io.zhiyue.cache.repository.CacheEntryRepository;
import io.zhiyue.streams.status.InstanceName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The service's layered cache, on the Redis named by {@code quarkus.redis.hosts} (or {@code ZHIYUE_REDIS_URL});
 * its changes of mode go out as CDI events ({@link CacheStatus}) to whoever reports or acts on them.
 */
@ApplicationScoped
public class LayeredCacheProducer {

    @Produces
    @Singleton
    LayeredCache layeredCache(Vertx vertx, CacheConfig config, CacheEntryRepository repository, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.redis.hosts") String redisHosts, Event<CacheStatus> statusEvents) {
        CacheSettings settings = CacheSettings.from(config);
        String url = redisHosts.split(",")[0].trim();
        return new LayeredCache(vertx, settings, repository, new RedisLayer(vertx, url, settings), registry,
                InstanceName.instance(), statusEvents::fire);
    }

    void start(@Observes StartupEvent event, LayeredCache cache) {
        cache.start();
    }

    void close(@Disposes LayeredCache cache) {
        cache.close();
    }
}
