package io.zhiyue.gateway.client;

import java.net.ConnectException;

/**
 * The connection to a downstream instance was refused: the request never reached it, so even a
 * call that is not idempotent can be retried (the balancer picks another instance).
 */
public class DownstreamUnreachable extends RuntimeException {

    public DownstreamUnreachable(Throwable cause) {
        super("downstream instance unreachable: " + cause.getMessage(), cause, false, false);
    }

    static boolean isConnectionRefused(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
