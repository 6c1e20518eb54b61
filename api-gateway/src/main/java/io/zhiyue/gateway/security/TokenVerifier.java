package io.zhiyue.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import io.zhiyue.shared.tenant.TenantHeaders;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies bearer tokens with SmallRye JWT (signature, issuer, audience, expiry, not-before; only
 * RS256, so {@code alg: none} never passes) and reads the caller's identity from the claims.
 */
@ApplicationScoped
public class TokenVerifier {

    private static final Pattern SUBJECT = Pattern.compile("[\\p{L}\\p{N}._@:+-]{1,128}");

    private final JWTParser parser;
    private final String tenantClaim;
    private final Cache<String, Identity> verified;

    TokenVerifier(JWTParser parser, AuthConfig config) {
        this.parser = parser;
        this.tenantClaim = config.tenantClaim();
        this.verified = Caffeine.newBuilder().maximumSize(config.verifiedTokenCache()).build();
    }

    public Identity verify(String token) throws InvalidToken {
        Identity known = verified.getIfPresent(token);
        if (known != null) {
            if (known.expiresAt().isAfter(Instant.now())) {
                return known;
            }
            verified.invalidate(token);
        }
        Identity identity = identityOf(parse(token));
        verified.put(token, identity);
        return identity;
    }

    private JsonWebToken parse(String token) throws InvalidToken {
        try {
            return parser.parse(token);
        } catch (ParseException e) {
            throw new InvalidToken(reason(e));
        }
    }

    private Identity identityOf(JsonWebToken jwt) throws InvalidToken {
        Object tenant = jwt.getClaim(tenantClaim);
        if (!(tenant instanceof String text) || !TenantHeaders.isSaneTenant(text)) {
            throw new InvalidToken("the token names no tenant (claim " + tenantClaim + ")");
        }
        if (text.equals(TenantHeaders.PLATFORM_TENANT)) {
            // the platform's own data is reached through the platform-admin role, never by naming it
            throw new InvalidToken("the tenant " + text + " is reserved");
        }
        String subject = jwt.getSubject();
        if (subject == null || !SUBJECT.matcher(subject).matches()) {
            throw new InvalidToken("the token names no usable subject");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String group : jwt.getGroups()) {
            Role.fromClaim(group).ifPresent(roles::add);
        }
        return new Identity(text, subject, roles, Instant.ofEpochSecond(jwt.getExpirationTime()));
    }

    /** What was wrong, in words a caller can act on; never the key or the token itself. */
    private static String reason(Throwable failure) {
        Optional<InvalidJwtException> invalid = Optional.empty();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidJwtException jwtException) {
                invalid = Optional.of(jwtException);
                break;
            }
        }
        if (invalid.isEmpty()) {
            return "the token is malformed or its signature cannot be verified";
        }
        InvalidJwtException e = invalid.get();
        if (e.hasExpired()) {
            return "the token has expired";
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID) || e.hasErrorCode(ErrorCodes.ISSUED_AT_INVALID_FUTURE)) {
            return "the token is not valid yet";
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "the token was issued by an issuer this gateway does not trust";
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "the token is meant for another audience";
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || e.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
            return "the token's signature is not valid";
        }
        return "the token is malformed or its signature cannot be verified";
    }
}
