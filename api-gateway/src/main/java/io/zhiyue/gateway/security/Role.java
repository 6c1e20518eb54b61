package io.zhiyue.gateway.security;

import java.util.Locale;
import java.util.Optional;

/** The roles a token may carry (its {@code groups} claim). */
public enum Role {
    /** Everything in its tenant, including the operator APIs (sagas, checkpoints). */
    ADMIN,
    /** Its tenant's exams, jobs, marks, overrides and releases. */
    TEACHER,
    /** A teacher who may also arbitrate. */
    CHIEF,
    /** Its assigned marking queues only. */
    MARKER,
    /** Its own released results and its own {@code user:} channel; the token's subject is the student id. */
    STUDENT,
    /** Platform data: traces, SLOW_SPAN and SYSTEM_STATUS. */
    PLATFORM_ADMIN;

    private static final Role[] ALL = values();

    private final String claim = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The claim value, e.g. {@code platform-admin}. */
    public String claim() {
        return claim;
    }

    /** Read on every request (the roles the gateway passes on): no array copy, no string built. */
    public static Optional<Role> fromClaim(String claim) {
        for (Role role : ALL) {
            if (role.claim.equals(claim)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
