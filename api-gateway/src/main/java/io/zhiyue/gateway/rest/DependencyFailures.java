package io.zhiyue.gateway.rest;

import jakarta.ws.rs.ProcessingException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import java.io.IOException;
import java.net.ConnectException;

/** Which failures of a downstream call mean "the dependency is unavailable" rather than a bug. */
final class DependencyFailures {

    private DependencyFailures() {
    }

    static boolean isUnavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CircuitBreakerOpenException
                    || cause instanceof TimeoutException
                    || cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof ConnectException
                    || cause instanceof IOException
                    || cause instanceof ProcessingException
                    || cause instanceof io.vertx.core.VertxException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
