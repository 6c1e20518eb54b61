package io.zhiyue.grading.stream;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.config.GradingConfig;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingProgress;
import io.zhiyue.shared.event.JobStateChanged;
import io.zhiyue.shared.event.SystemStatus;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.shared.stream.Streams;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Publishes events to {@code zhiyue:events} after the data they describe is committed. A failed
 * publish is logged, never undoes the commit.
 */
@ApplicationScoped
public class EventPublisher {

    /**
     * Progress of one job, across every process: dropped unless it moves {@code done} forward, and
     * throttled to one per interval, except the final one. Atomic in Redis, so two workers never
     * publish progress out of order.
     */
    private static final String PROGRESS_SCRIPT = """
            local done = tonumber(ARGV[1])
            local last = tonumber(redis.call('GET', KEYS[2]) or '-1')
            if done <= last then return 0 end
            if ARGV[2] ~= '1' then
              if not redis.call('SET', KEYS[3], '1', 'PX', ARGV[3], 'NX') then return 0 end
            end
            redis.call('SET', KEYS[2], ARGV[1], 'EX', 86400)
            local args = {KEYS[1], 'MAXLEN', '~', ARGV[4], '*'}
            for i = 5, #ARGV do args[#args + 1] = ARGV[i] end
            redis.call('XADD', unpack(args))
            return 1""";

    private final ReactiveRedisDataSource redis;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final GradingConfig config;

    public EventPublisher(ReactiveRedisDataSource redis, GradingConfig config) {
        this.redis = redis;
        this.streams = redis.stream(String.class);
        this.config = config;
    }

    public Uni<Void> stateChanged(GradingJob job, JobState from) {
        JobStateChanged payload = new JobStateChanged(job.id(), job.examId(), from == null ? null : from.name(),
                job.state().name(), job.total(), job.graded(), job.failed(), Instant.now());
        Envelope envelope = Envelope.of(EventType.JOB_STATE_CHANGED, job.tenantId(),
                // the commit time tells a second PAUSED → EXECUTING cycle apart from the first
                "state:" + job.id() + ":" + job.state() + ":" + job.updatedAt(), payload, Traceparent.current());
        return xadd(envelope);
    }

    /** Publishes progress unless throttled; the final count of a job always goes out. */
    public Uni<Void> progress(GradingJob job) {
        GradingProgress payload = new GradingProgress(job.id(), job.examId(), job.state().name(), job.total(),
                job.graded(), job.failed(), job.cancelled(), job.percent());
        Envelope envelope = Envelope.of(EventType.GRADING_PROGRESS, job.tenantId(),
                "progress:" + job.id() + ":" + payload.done(), payload, Traceparent.current());
        List<String> args = new ArrayList<>(List.of("EVAL", PROGRESS_SCRIPT, "3", Streams.EVENTS,
                "zhiyue:grading:progress:" + job.id() + ":last", "zhiyue:grading:progress:" + job.id() + ":throttle",
                Integer.toString(payload.done()), payload.isFinal() ? "1" : "0",
                Long.toString(Math.max(1, config.progressInterval().toMillis())),
                Long.toString(config.eventsMaxLen())));
        for (Map.Entry<String, String> field : envelope.toFields().entrySet()) {
            args.add(field.getKey());
            args.add(field.getValue());
        }
        return redis.execute(args.get(0), args.subList(1, args.size()).toArray(new String[0]))
                .replaceWithVoid()
                .onFailure().invoke(e -> Log.warnf("progress event for job %s not published: %s", job.id(), e.getMessage()))
                .onFailure().recoverWithNull();
    }

    public Uni<Void> systemStatus(String tenant, SystemStatus status) {
        Envelope envelope = Envelope.of(EventType.SYSTEM_STATUS, tenant,
                "status:" + status.instance() + ":" + status.status(), status, null);
        return xadd(envelope);
    }

    private Uni<Void> xadd(Envelope envelope) {
        XAddArgs trim = new XAddArgs().maxlen(config.eventsMaxLen()).nearlyExactTrimming();
        return streams.xadd(Streams.EVENTS, trim, envelope.toFields())
                .replaceWithVoid()
                .onFailure().invoke(e -> Log.warnf("%s event not published: %s", envelope.type(), e.getMessage()))
                .onFailure().recoverWithNull();
    }
}
