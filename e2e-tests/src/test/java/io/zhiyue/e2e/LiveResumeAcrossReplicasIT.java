package io.zhiyue.e2e;

import io.zhiyue.devstack.Devstack;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.LiveChannelClient;
import io.zhiyue.e2e.driver.LiveChannelClient.Message;
import io.zhiyue.e2e.driver.SampleExam;
import io.zhiyue.shared.stream.StreamId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live channel resumes on any gateway replica: a client that leaves one replica and comes back on another
 * with the last event id it saw receives exactly the events of the channel it missed, then the live ones, in id
 * order, the same ones a client that never left received; a last event id beyond the stream's end is answered
 * with {@code recovered:false} and the job's snapshot, then live events.
 */
class LiveResumeAcrossReplicasIT {

    private static final Duration SOCKET = Duration.ofSeconds(10);
    private static final Duration EVENTS = Duration.ofSeconds(30);
    /** Students of the sample exam: five answers each, a few batches of rule grading. */
    private static final int STUDENTS = 100;
    /** Job events the leaving client sees before it leaves: the rest of the job happens while it is away. */
    private static final int EVENTS_BEFORE_LEAVING = 2;

    private static SuiteProcesses suite;
    private static GatewayClient first;
    private static GatewayClient second;

    @BeforeAll
    static void startSystem() {
        // small batches: a job of a few hundred answers runs long enough to be paused at once, and reports often
        suite = SuiteProcesses.start("e2e-replicas", Devstack.shared(), 1, Map.of("ZHIYUE_GRADING_BATCH_SIZE", "5"));
        first = suite.gateway().as("replica-teacher", "teacher");
        second = new GatewayClient(suite.startGatewayReplica("b").url()).as("replica-teacher", "teacher");
    }

    @AfterAll
    static void stopSystem() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void aClientThatLeavesOneReplicaResumesOnAnotherWithExactlyTheEventsItMissed() {
        String jobId = createJob("resume across replicas", 11L);
        String channel = "job:" + jobId;
        AtomicReference<String> leftAfter = new AtomicReference<>();

        try (LiveChannelClient stayer = subscribed(first, channel);
             LiveChannelClient leaver = subscribed(first, channel)) {
            AtomicInteger seen = new AtomicInteger();
            leaver.onMessage(message -> {
                if (isEvent(message, channel) && seen.incrementAndGet() == EVENTS_BEFORE_LEAVING) {
                    leftAfter.set(message.id());
                    leaver.close();
                }
            });
            startPaused(jobId);
            await("the leaving client saw " + EVENTS_BEFORE_LEAVING + " events and left").atMost(EVENTS)
                    .until(() -> leftAfter.get() != null);
            await("the staying client saw the job paused").atMost(EVENTS)
                    .until(() -> stateChanges(stayer, channel).contains("PAUSED"));
            String lastEventId = leftAfter.get();
            assertThat(eventIds(stayer, channel)).as("the staying client saw the event the leaving one left after")
                    .contains(StreamId.parse(lastEventId));

            try (LiveChannelClient resumer = LiveChannelClient.connect(second.liveChannel(), SOCKET)) {
                resumer.subscribe(channel, lastEventId);
                // what happened while it was away comes from history...
                await("the resuming client caught up with the pause on the other replica").atMost(EVENTS)
                        .until(() -> stateChanges(resumer, channel).contains("PAUSED"));
                int beforeResume = events(resumer, channel).size();
                // ...and the rest of the job live, on the replica it came back to
                second.postJson("grading-jobs/" + jobId + "/resume", Map.of(), 200);
                await("both clients saw the job complete").atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
                    assertThat(stateChanges(stayer, channel)).as("staying client saw:%n%s", stayer.describe())
                            .contains("COMPLETED");
                    assertThat(stateChanges(resumer, channel)).as("resuming client saw:%n%s", resumer.describe())
                            .contains("COMPLETED");
                });

                List<Message> missed = upToCompletion(events(stayer, channel)).stream()
                        .filter(m -> StreamId.parse(m.id()).isAfter(StreamId.parse(lastEventId))).toList();
                List<Message> resumed = upToCompletion(events(resumer, channel));
                assertThat(resumer.messages()).as("a resume the stream can serve is not refused")
                        .noneMatch(LiveResumeAcrossReplicasIT::notRecovered);
                assertThat(missed).as("events after %s; the staying client saw:%n%s", lastEventId, stayer.describe())
                        .extracting(Message::type).contains("JOB_STATE_CHANGED", "GRADING_PROGRESS");
                assertThat(ids(resumed)).as("resumed after %s on the second replica; it saw:%n%s", lastEventId,
                                resumer.describe())
                        .doesNotHaveDuplicates()
                        .isSortedAccordingTo(Comparator.naturalOrder())
                        .isEqualTo(ids(missed));
                assertThat(resumed).extracting(Message::type).isEqualTo(missed.stream().map(Message::type).toList());
                System.out.printf("e2e: resumed after %s on the second replica: the %d events missed (%d of them before "
                        + "the job resumed), the same as the client that stayed%n", lastEventId, resumed.size(),
                        beforeResume);
            }
        }
    }

    @Test
    void aLastEventIdBeyondTheStreamIsAnsweredWithTheSnapshotThenLiveEvents() {
        String jobId = createJob("resume beyond the stream", 12L);
        String channel = "job:" + jobId;
        String tomorrow = (System.currentTimeMillis() + Duration.ofDays(1).toMillis()) + "-0";

        try (LiveChannelClient witness = subscribed(second, channel);
             LiveChannelClient client = LiveChannelClient.connect(second.liveChannel(), SOCKET)) {
            startPaused(jobId);
            // once the replica has passed the pause on, its snapshot of the job is at least that new
            await("the replica passed the pause on").atMost(EVENTS)
                    .until(() -> stateChanges(witness, channel).contains("PAUSED"));
            client.subscribe(channel, tomorrow);
            await("recovered:false on " + channel).atMost(EVENTS)
                    .until(() -> client.messages().stream().anyMatch(LiveResumeAcrossReplicasIT::notRecovered));
            Message status = client.messages().stream().filter(m -> channel.equals(m.channel())).findFirst().orElseThrow();
            assertThat(status.type()).as("the first message on the channel; saw:%n%s", client.describe())
                    .isEqualTo("SYSTEM_STATUS");
            assertThat(status.data().path("recovered").isBoolean()).isTrue();
            assertThat(status.data().path("recovered").asBoolean()).isFalse();
            assertThat(status.data().path("snapshot").path("state").asText()).as("snapshot %s", status.data())
                    .isEqualTo("PAUSED");
            assertThat(status.data().path("snapshot").path("total").asInt()).isEqualTo(STUDENTS * 5);

            first.postJson("grading-jobs/" + jobId + "/resume", Map.of(), 200);
            await("the job completes live on the same socket").atMost(Duration.ofMinutes(2))
                    .untilAsserted(() -> assertThat(stateChanges(client, channel)).as("saw:%n%s", client.describe())
                            .contains("EXECUTING", "COMPLETED"));
            assertThat(ids(events(client, channel))).doesNotHaveDuplicates().isSortedAccordingTo(Comparator.naturalOrder());
        }
    }

    /** A job in CREATED on a new exam of {@value #STUDENTS} students' answers, graded by the rubric. */
    private static String createJob(String title, long seed) {
        SampleExam exam = SampleExam.generate(STUDENTS, seed);
        String examId = first.createExam(title + " " + exam.title(), exam.subject());
        exam.questions().forEach(question -> first.addQuestion(examId, question));
        assertThat(first.uploadCsv(examId, exam.csv()).accepted()).isEqualTo(exam.size());
        return first.createJob(examId).id();
    }

    /** Starts the job and pauses it at once, so it stays open until the test resumes it. */
    private static void startPaused(String jobId) {
        first.startJob(jobId);
        HttpResponse<String> paused = first.call("POST", "grading-jobs/" + jobId + "/pause", null);
        assertThat(paused.statusCode()).as("pause while executing (a job that finished first is too small): %s",
                paused.body()).isEqualTo(200);
    }

    private static LiveChannelClient subscribed(GatewayClient gateway, String channel) {
        LiveChannelClient client = LiveChannelClient.connect(gateway.liveChannel(), SOCKET);
        client.subscribe(channel);
        await("subscribed to " + channel).atMost(SOCKET).until(() -> client.messages("SYSTEM_STATUS").stream()
                .anyMatch(m -> channel.equals(m.channel()) && m.data().path("subscribed").asBoolean(false)));
        return client;
    }

    /** A stream event of the channel: not a subscription status, not a heartbeat. */
    private static boolean isEvent(Message message, String channel) {
        return channel.equals(message.channel()) && message.id() != null
                && !"SYSTEM_STATUS".equals(message.type()) && !"HEARTBEAT".equals(message.type());
    }

    private static boolean notRecovered(Message message) {
        return "SYSTEM_STATUS".equals(message.type()) && message.data().path("recovered").isBoolean()
                && !message.data().path("recovered").asBoolean();
    }

    private static List<Message> events(LiveChannelClient client, String channel) {
        return client.messages().stream().filter(m -> isEvent(m, channel)).toList();
    }

    /** The events up to the job's move to COMPLETED, included. */
    private static List<Message> upToCompletion(List<Message> events) {
        List<Message> upTo = new ArrayList<>();
        for (Message event : events) {
            upTo.add(event);
            if ("JOB_STATE_CHANGED".equals(event.type()) && "COMPLETED".equals(event.data().path("to").asText())) {
                break;
            }
        }
        return upTo;
    }

    private static List<StreamId> eventIds(LiveChannelClient client, String channel) {
        return ids(events(client, channel));
    }

    private static List<StreamId> ids(List<Message> events) {
        return events.stream().map(m -> StreamId.parse(m.id())).toList();
    }

    /** The states the job moved to, as the client saw them. */
    private static List<String> stateChanges(LiveChannelClient client, String channel) {
        return events(client, channel).stream().filter(m -> "JOB_STATE_CHANGED".equals(m.type()))
                .map(m -> m.data().path("to").asText()).toList();
    }
}
