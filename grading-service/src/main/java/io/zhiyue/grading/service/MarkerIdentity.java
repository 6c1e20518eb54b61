package io.zhiyue.grading.service;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who marks, for every way of marking (review items, answer groups, the review queue, mark uploads). Behind the
 * gateway the caller's subject ({@code X-ZhiYue-Subject}) is the marker and its roles ({@code X-ZhiYue-Roles})
 * alone say whether it is a chief: what a body says about either is ignored then, so nobody marks in another's
 * name. Without the subject (direct calls inside the cluster, tests) the body names the marker and the chief
 * flag, as before the gateway authenticated callers.
 */
public record MarkerIdentity(String subject, Set<String> roles) {

    public static final String CHIEF = "chief";
    /** The roles that mark any question; a caller with none of them marks only what the allocation gives it. */
    private static final Set<String> UNRESTRICTED = Set.of("teacher", CHIEF, "admin");

    /** From the gateway's headers (either may be null). */
    public static MarkerIdentity of(String subjectHeader, String rolesHeader) {
        String subject = subjectHeader == null || subjectHeader.isBlank() ? null : subjectHeader.trim();
        Set<String> roles = rolesHeader == null ? Set.of() : Arrays.stream(rolesHeader.split(","))
                .map(role -> role.trim().toLowerCase(Locale.ROOT))
                .filter(role -> !role.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        return new MarkerIdentity(subject, roles);
    }

    /** A direct call without the gateway's headers: the body says who marks. */
    public static MarkerIdentity fromBody() {
        return new MarkerIdentity(null, Set.of());
    }

    /** Whether the gateway named the caller. */
    public boolean authenticated() {
        return subject != null;
    }

    /** The marker: the subject when there is one, else the body's (or row's) {@code markerId}. */
    public String markerId(String bodyMarkerId) {
        return authenticated() ? subject : bodyMarkerId;
    }

    /** Whether the mark is a chief's: the caller's roles (chief or admin) when there is a subject, else the body's flag. */
    public boolean chief(Boolean bodyChief) {
        // an admin may do everything in its school, arbitration included
        return authenticated() ? roles.contains(CHIEF) || roles.contains("admin") : Boolean.TRUE.equals(bodyChief);
    }

    /**
     * Whether the caller marks only the questions the exam's allocation gives it (a marker, nothing more): not a
     * teacher, chief or admin. Such a caller marks nothing of an exam that allocates nobody.
     */
    public boolean allocatedOnly() {
        return authenticated() && roles.stream().noneMatch(UNRESTRICTED::contains);
    }

    /**
     * Whether the caller may mark a question: {@code allocating}, the exam allocates markers at all; {@code assigned},
     * its allocation gives the caller the question. A teacher, chief or admin marks any question; a marker only
     * what it is given; a direct call what the allocation gives it, or anything when the exam allocates nobody.
     */
    public boolean mayMark(boolean allocating, boolean assigned) {
        if (!authenticated()) {
            return assigned || !allocating;
        }
        return assigned || !allocatedOnly();
    }

    /**
     * The questions of the caller's review queue, from those the allocation gives it ({@code null}: the exam
     * allocates nobody): {@code null} for all of them, empty for none.
     */
    public Integer[] queueQuestions(Integer[] allocated) {
        if (!authenticated()) {
            return allocated;
        }
        if (!allocatedOnly()) {
            return null;
        }
        return allocated == null ? new Integer[0] : allocated;
    }
}
