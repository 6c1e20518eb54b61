package io.zhiyue.gateway.security;

import java.util.EnumSet;
import java.util.Set;

import static io.zhiyue.gateway.security.Role.ADMIN;
import static io.zhiyue.gateway.security.Role.CHIEF;
import static io.zhiyue.gateway.security.Role.MARKER;
import static io.zhiyue.gateway.security.Role.PLATFORM_ADMIN;
import static io.zhiyue.gateway.security.Role.STUDENT;
import static io.zhiyue.gateway.security.Role.TEACHER;

/** Who may call a route: the one table of roles per kind of route. */
public enum Audience {
    /** Exams, questions, uploads, jobs, results, quality, overrides, release: the school's staff. */
    STAFF(ADMIN, TEACHER, CHIEF),
    /** Marking queues and answer groups: staff and markers (grading-service limits markers to their questions). */
    MARKERS(ADMIN, TEACHER, CHIEF, MARKER),
    /** One saga by id: staff follow the override they started (its Location points there). */
    SAGA_READERS(ADMIN, TEACHER, CHIEF),
    /** Operator APIs of a tenant: sagas, checkpoints. */
    OPERATORS(ADMIN),
    /** Released results of one student: the student (their own only) and staff. */
    STUDENTS(ADMIN, TEACHER, CHIEF, STUDENT),
    /** Platform data: traces. */
    PLATFORM(PLATFORM_ADMIN);

    private final Set<Role> roles;

    Audience(Role first, Role... rest) {
        this.roles = EnumSet.of(first, rest);
    }

    public Set<Role> roles() {
        return roles;
    }

    public boolean admits(Identity identity) {
        return identity.hasAny(roles);
    }
}
