package io.zhiyue.gateway.ws;

import io.zhiyue.gateway.security.Audience;
import io.zhiyue.gateway.security.Identity;
import io.zhiyue.gateway.security.Role;
import io.zhiyue.gateway.stream.LiveEvent;
import io.zhiyue.shared.tenant.TenantHeaders;

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

    /**
     * Why {@code identity} may not listen to {@code channel}, if it may not: {@code system} is platform
     * data (platform admins) or a school's own status (its admins); {@code user:<id>} is that student's own (and their school's staff's);
     * job and exam channels are the school's staff's and markers'. Events never cross tenants
     * whatever is allowed here (see {@link #route}).
     */
    static Optional<String> refusal(Identity identity, String channel) {
        if (SYSTEM.equals(channel)) {
            return identity.has(Role.PLATFORM_ADMIN) || identity.has(Role.ADMIN) ? Optional.empty()
                    : Optional.of("the system channel is for administrators");
        }
        if (channel.startsWith(USER_PREFIX)) {
            boolean own = identity.has(Role.STUDENT) && identity.subject().equals(channel.substring(USER_PREFIX.length()));
            return own || Audience.STAFF.admits(identity) ? Optional.empty()
                    : Optional.of("a student listens to their own user channel only");
        }
        return Audience.MARKERS.admits(identity) ? Optional.empty()
                : Optional.of("job and exam channels are for the school's staff and markers");
    }

    /**
     * The route a session's subscription to {@code channel} listens on: its own tenant's; {@code system} is the
     * platform's for a platform admin and its own school's status (a checkpoint store failing, a quality alert)
     * for a school's admin.
     */
    static String route(LiveSession session, String channel) {
        return LiveEvent.route(tenantOf(session, channel), channel);
    }

    /** The tenant whose events (live and in history) a session's subscription to {@code channel} receives. */
    static String tenantOf(LiveSession session, String channel) {
        boolean platform = SYSTEM.equals(channel) && session.identity().has(Role.PLATFORM_ADMIN);
        return platform ? TenantHeaders.PLATFORM_TENANT : session.identity().tenant();
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
