package io.zhiyue.grading.llm;

/**
 * The provider did not answer this time: a 429, a 5xx, a stall past the timeout, a dropped
 * connection. Retried with backoff ({@link RetryAfterBackoff}); when the retries run out the
 * answer goes to people.
 */
public class ProviderUnavailable extends RuntimeException {

    public ProviderUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
