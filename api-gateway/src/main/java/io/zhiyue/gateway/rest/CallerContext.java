package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.client.Caller;
import io.zhiyue.gateway.security.Identity;
import jakarta.enterprise.context.RequestScoped;

import java.util.Optional;

/** The verified caller of the current HTTP request, read once by {@link GatewayRequestFilters}. */
@RequestScoped
public class CallerContext {

    private Identity identity;
    private Caller caller;

    void set(Identity identity, String requestId) {
        this.identity = identity;
        this.caller = identity.toCaller(requestId);
    }

    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    /** The caller downstream calls are made for; only routes the access filter admitted get this far. */
    public Caller caller() {
        if (caller == null) {
            throw new IllegalStateException("no verified caller on this request");
        }
        return caller;
    }

    public String requestId() {
        return caller().requestId();
    }
}
