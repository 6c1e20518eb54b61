package io.zhiyue.e2e.driver;

/** The gateway answered with an unexpected HTTP status; carries the (problem+json) body. */
public final class GatewayException extends RuntimeException {

    private final int status;
    private final String body;

    public GatewayException(String request, int status, String body) {
        super(request + " answered " + status + ": " + body);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
