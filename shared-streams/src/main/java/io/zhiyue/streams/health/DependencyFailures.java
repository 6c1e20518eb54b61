package io.zhiyue.streams.health;

import io.vertx.core.VertxException;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Which failures mean "a dependency (PostgreSQL, Redis, another service) is unavailable or did
 * not answer in time" rather than a bug: the caller gets 503 with Retry-After, not a 500.
 */
public final class DependencyFailures {

    private DependencyFailures() {
    }

    public static boolean isUnavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof FaultToleranceException
                    || cause instanceof TimeoutException
                    || cause instanceof io.smallrye.mutiny.TimeoutException
                    || cause instanceof ConnectException
                    // the SQL and Redis clients' connection failures, "Timeout waiting for connection" among them
                    || cause instanceof VertxException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
