package io.zhiyue.shared.stream;

/** Redis stream and key names shared by every service; all start with {@code zhiyue:}. */
public final class Streams {

    public static final String GRADING_TASKS = "zhiyue:grading:tasks";
    public static final String EVENTS = "zhiyue:events";
    /** Audit records of every service, kept by grading-service's append-only audit log. */
    public static final String AUDIT = "zhiyue:audit";
    /** Deletion and erasure requests and each service's confirmation of them (README "Data lifecycle"). */
    public static final String LIFECYCLE = "zhiyue:lifecycle";
    public static final String GRADERS_GROUP = "graders";
    public static final String DLQ_SUFFIX = ":dlq";
    /** Every participant's answers to saga steps; saga-service reads them. */
    public static final String SAGA_REPLIES = "zhiyue:saga:replies";
    /** Sagas whose first step their initiator applied with its own change, through its outbox; saga-service reads them. */
    public static final String SAGA_STARTS = "zhiyue:saga:starts";
    private static final String SAGA_COMMANDS = "zhiyue:saga:commands:";

    /** An entry delivered this many times without an ack goes to the dead-letter stream. */
    public static final int MAX_DELIVERIES = 5;

    private Streams() {
    }

    /** The saga steps for one participant (a service name: {@code grading-service}, {@code cache-service}). */
    public static String sagaCommands(String participant) {
        return SAGA_COMMANDS + participant;
    }

    public static String deadLetter(String stream) {
        return stream + DLQ_SUFFIX;
    }
}
