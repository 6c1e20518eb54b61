package io.zhiyue.gateway.stream;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.gateway.ws.ChannelHub;
import io.zhiyue.shared.stream.Streams;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Every replica reads all of zhiyue:events with a plain XREAD (no consumer group: each replica
 * must see every entry to serve its own sockets), from the stream's end at start-up, on one
 * dedicated thread. Fan-out never blocks this loop: connections have their own bounded queues.
 */
@ApplicationScoped
public class EventsStreamReader {

    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final StreamCommands<String, String, String> stream;
    private final EventsHistory history;
    private final ChannelHub hub;
    private final GatewayConfig config;

    private volatile boolean running;
    private volatile Instant lastSuccessfulRead;
    private Thread thread;

    EventsStreamReader(RedisDataSource redis, EventsHistory history, ChannelHub hub, GatewayConfig config) {
        this.stream = redis.stream(String.class);
        this.history = history;
        this.hub = hub;
        this.config = config;
    }

    void onStart(@Observes @Priority(100) StartupEvent event) {
        running = true;
        thread = Thread.ofPlatform().name("zhiyue-events-reader").daemon().start(this::readLoop);
    }

    void onStop(@Observes @Priority(200) ShutdownEvent event) {
        running = false;
        if (thread != null) {
            try {
                thread.join(config.eventsReadBlock().plusSeconds(1).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** For the readiness check: when the reader last completed an XREAD, or empty if never. */
    public Optional<Instant> lastSuccessfulRead() {
        return Optional.ofNullable(lastSuccessfulRead);
    }

    public boolean isRunning() {
        return running && thread != null && thread.isAlive();
    }

    private void readLoop() {
        String position = null;
        XReadArgs args = new XReadArgs().block(config.eventsReadBlock()).count(config.eventsReadCount());
        while (running) {
            try {
                if (position == null) {
                    Optional<StreamId> last = history.lastId();
                    last.ifPresent(hub::advanceTo);
                    position = last.map(StreamId::toString).orElse("0-0");
                    lastSuccessfulRead = Instant.now();
                    Log.infof("reading %s after %s", Streams.EVENTS, position);
                }
                List<StreamMessage<String, String, String>> entries = stream.xread(Streams.EVENTS, position, args);
                lastSuccessfulRead = Instant.now();
                for (StreamMessage<String, String, String> entry : entries) {
                    position = entry.id();
                    EventEntries.toLiveEvent(entry).ifPresent(hub::publish);
                    hub.advanceTo(StreamId.parse(entry.id()));
                }
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                Log.warnf("reading %s failed, retrying in %s: %s", Streams.EVENTS, RETRY_PAUSE, e.toString());
                LockSupport.parkNanos(RETRY_PAUSE.toNanos());
            }
        }
        Log.debug("events reader stopped");
    }
}
