package io.zhiyue.streams.tail;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.zhiyue.shared.stream.StreamId;
import io.zhiyue.streams.config.StreamsConfig;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads every entry of a stream with plain XREAD (no consumer group: each process sees all of
 * it, for fan-out), after a given position or from the stream's end, on one dedicated thread.
 */
public final class TailReader {

    private static final Logger LOG = Logger.getLogger(TailReader.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final int COUNT = 200;

    private final String stream;
    private final TailListener listener;
    private final StreamCommands<String, String, String> streams;
    private final StreamHistory history;
    private final StreamsConfig config;
    private final StreamId after;
    private volatile boolean running;
    private volatile Instant lastRead;
    private Thread thread;

    /** @param after where to start reading (exclusive), or null for the stream's end at start-up */
    TailReader(String stream, StreamId after, TailListener listener, RedisDataSource redis, StreamHistory history,
            StreamsConfig config) {
        this.stream = stream;
        this.after = after;
        this.listener = listener;
        this.streams = redis.stream(String.class);
        this.history = history;
        this.config = config;
    }

    void start() {
        running = true;
        thread = Thread.ofPlatform().name("tail-" + stream).daemon().start(this::readLoop);
    }

    void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(config.readBlock().plusSeconds(1).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String stream() {
        return stream;
    }

    /** When the reader last completed an XREAD; empty before the first. */
    public Optional<Instant> lastRead() {
        return Optional.ofNullable(lastRead);
    }

    public boolean isRunning() {
        return running && thread != null && thread.isAlive();
    }

    private void readLoop() {
        String position = null;
        XReadArgs args = new XReadArgs().block(config.readBlock()).count(COUNT);
        while (running) {
            try {
                if (position == null) {
                    Optional<StreamId> start = after != null ? Optional.of(after) : history.lastId(stream);
                    start.ifPresent(listener::onStart);
                    position = start.map(StreamId::toString).orElse("0-0");
                    lastRead = Instant.now();
                    LOG.infof("tailing %s after %s", stream, position);
                }
                List<StreamMessage<String, String, String>> messages = streams.xread(stream, position, args);
                lastRead = Instant.now();
                for (StreamMessage<String, String, String> message : messages) {
                    position = message.id();
                    listener.onEntry(StreamId.parse(message.id()), StreamHistory.envelopeOrNull(message));
                }
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                LOG.warnf("tailing %s failed, retrying in %s: %s", stream, RETRY_PAUSE, e.toString());
                LockSupport.parkNanos(RETRY_PAUSE.toNanos());
            }
        }
    }
}
