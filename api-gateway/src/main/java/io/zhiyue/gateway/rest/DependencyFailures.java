package io.zhiyue.gateway.rest;

import jakarta.ws.rs.ProcessingException;

import java.io.IOException;

/** Which failures of a downstream call mean "the dependency is unavailable" rather than a bug. */
final class DependencyFailures {

    private DependencyFailures() {
    }

    static boolean isUnavailable(Throwable failure) {
        if (io.zhiyue.streams.health.DependencyFailures.isUnavailable(failure)) {
            return true;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            // the REST client's view of a broken connection
            if (cause instanceof IOException || cause instanceof ProcessingException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
