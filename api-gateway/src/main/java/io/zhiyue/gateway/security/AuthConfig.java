package io.zhiyue.gateway.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Caller authentication. The keys themselves are SmallRye JWT's: {@code mp.jwt.verify.publickey.location}
 * (a PEM file or an identity provider's JWKS URL), {@code mp.jwt.verify.issuer}, {@code mp.jwt.verify.audiences}.
 */
@ConfigMapping(prefix = "zhiyue.auth")
public interface AuthConfig {

    /**
     * Off only for a benchmark's baseline: every caller is then a teacher of the default school.
     * Never switch it off where anyone else can reach the gateway.
     */
    @WithDefault("true")
    boolean enabled();

    /** The claim naming the caller's school. */
    @WithDefault("tenant")
    String tenantClaim();

    /** The realm named in {@code WWW-Authenticate}. */
    @WithDefault("zhiyue")
    String realm();

    /** Verified tokens remembered (until their expiry at the latest) so a busy caller is not re-verified per request. */
    @WithDefault("10000")
    int verifiedTokenCache();
}
