package io.zhiyue.streams.tail;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.zhiyue.streams.config.StreamsConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Starts tail readers for a service and stops them before the connections close. */
@ApplicationScoped
public class StreamTails {

    private final RedisDataSource redis;
    private final StreamHistory history;
    private final StreamsConfig config;
    private final List<TailReader> readers = new CopyOnWriteArrayList<>();

    public StreamTails(RedisDataSource redis, StreamHistory history, StreamsConfig config) {
        this.redis = redis;
        this.history = history;
        this.config = config;
    }

    /** Reads {@code stream} from its current end, entry by entry, into {@code listener}. */
    public TailReader start(String stream, TailListener listener) {
        TailReader reader = new TailReader(stream, listener, redis, history, config);
        reader.start();
        readers.add(reader);
        return reader;
    }

    public List<TailReader> readers() {
        return List.copyOf(readers);
    }

    void onStop(@Observes @Priority(10) ShutdownEvent event) {
        readers.forEach(TailReader::stop);
        readers.clear();
    }
}
