package io.zhiyue.shared.stream;

/** Redis stream and key names shared by every service; all start with {@code zhiyue:}. */
public final class Streams {

    public static final String GRADING_TASKS = "zhiyue:grading:tasks";
    public static final String EVENTS = "zhiyue:events";
    public static final String GRADERS_GROUP = "graders";
    public static final String DLQ_SUFFIX = ":dlq";

    /** An entry delivered this many times without an ack goes to the dead-letter stream. */
    public static final int MAX_DELIVERIES = 5;

    private Streams() {
    }

    public static String deadLetter(String stream) {
        return stream + DLQ_SUFFIX;
    }
}
