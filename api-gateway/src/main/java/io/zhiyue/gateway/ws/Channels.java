package io.zhiyue.gateway.ws;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The channels the live endpoint serves: {@code job:<uuid>}, {@code exam:<uuid>}, {@code user:<studentId>} (a
 * student's notifications) and {@code system}.
 */
final class Channels {

    static final String SYSTEM = "system";
    private static final String JOB_PREFIX = "job:";
    private static final String EXAM_PREFIX = "exam:";
    private static final String USER_PREFIX = "user:";
    /** A student id as uploads take it: 1 to 64 characters, none of them a control character. */
    private static final Pattern USER_ID = Pattern.compile("[^\\p{Cntrl}]{1,64}");
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Channels() {
    }

    static boolean isValid(String channel) {
        return SYSTEM.equals(channel) || jobId(channel).isPresent() || examId(channel).isPresent()
                || channel != null && channel.startsWith(USER_PREFIX)
                && USER_ID.matcher(channel.substring(USER_PREFIX.length())).matches();
    }

    /** The one spelling events use: job ids in lower case, as {@code UUID.toString()} writes them. */
    static String canonical(String channel) {
        return jobId(channel).map(id -> JOB_PREFIX + id)
                .or(() -> examId(channel).map(id -> EXAM_PREFIX + id)).orElse(channel);
    }

    /** The job a {@code job:<uuid>} channel is about. */
    static Optional<UUID> jobId(String channel) {
        return idAfter(JOB_PREFIX, channel);
    }

    /** The exam an {@code exam:<uuid>} channel is about: every job event of the exam, its review queue and quality. */
    static Optional<UUID> examId(String channel) {
        return idAfter(EXAM_PREFIX, channel);
    }

    private static Optional<UUID> idAfter(String prefix, String channel) {
        if (channel == null || !channel.startsWith(prefix)) {
            return Optional.empty();
        }
        String id = channel.substring(prefix.length());
        return UUID_TEXT.matcher(id).matches() ? Optional.of(UUID.fromString(id)) : Optional.empty();
    }
}
