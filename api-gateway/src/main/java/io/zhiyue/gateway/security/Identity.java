package io.zhiyue.gateway.security;

import io.zhiyue.gateway.client.Caller;
import io.zhiyue.shared.tenant.TenantHeaders;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who a verified token says the caller is: a tenant, a subject and roles, until {@code expiresAt}.
 * The gateway carries it on the request in the internal headers, which it strips from every
 * incoming request first.
 */
public record Identity(String tenant, String subject, Set<Role> roles, Instant expiresAt) {

    public Identity {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    public boolean hasAny(Collection<Role> wanted) {
        for (Role role : wanted) {
            if (roles.contains(role)) {
                return true;
            }
        }
        return false;
    }

    /** The {@code X-ZhiYue-Roles} header value: claim names, comma-separated, in a stable order. */
    public String rolesHeader() {
        return roles.stream().sorted().map(Role::claim).collect(Collectors.joining(","));
    }

    public Caller toCaller(String requestId) {
        return new Caller(tenant, subject, rolesHeader(), requestId);
    }

    /** The identity the authentication step put on a request, if it did. */
    public static Optional<Identity> fromHeaders(String tenant, String subject, String roles) {
        if (tenant == null || tenant.isBlank() || subject == null || subject.isBlank()) {
            return Optional.empty();
        }
        Set<Role> parsed = roles == null || roles.isBlank() ? Set.of()
                : Arrays.stream(roles.split(",")).map(String::trim).map(Role::fromClaim).flatMap(Optional::stream)
                        .collect(Collectors.toSet());
        return Optional.of(new Identity(tenant, subject, parsed, Instant.MAX));
    }

    /** The caller when authentication is switched off (benchmark baselines only): a teacher of the default school. */
    public static Identity unauthenticated() {
        return new Identity(TenantHeaders.DEFAULT_TENANT, Caller.ANONYMOUS, Set.of(Role.TEACHER), Instant.MAX);
    }
}
