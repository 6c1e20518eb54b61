package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.client.Caller;
import jakarta.enterprise.context.RequestScoped;

/** The caller of the current HTTP request, decided once by {@link GatewayRequestFilters}. */
@RequestScoped
public class CallerContext {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    public Caller caller() {
        if (caller == null) {
            caller = Caller.anonymous(null);
        }
        return caller;
    }

    public String requestId() {
        return caller().requestId();
    }
}
