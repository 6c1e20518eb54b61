package io.zhiyue.streams.tail;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.zhiyue.shared.stream.StreamId;
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
        return start(stream, null, listener);
    }

    /** Reads {@code stream} from after {@code after} (a position saved earlier), entry by entry. */
    public TailReader start(String stream, StreamId after, TailListener listener) {
        TailReader reader = new TailReader(stream, after, listener, redis, history, config);
        reader.start();
        readers.add(reader);
        return reader;
    }

    /** Stops one reader before shutdown (it no longer counts for readiness). */
    public void stop(TailReader reader) {
        readers.remove(reader);
        reader.stop();
    }

    public List<TailReader> readers() {
        return List.copyOf(readers);
    }

    void onStop(@Observes @Priority(10) ShutdownEvent event) {
        readers.forEach(TailReader::stop);
        readers.clear();
    }
}
