package io.zhiyue.grading.llm;

/** The provider refused the call for good (a 4xx other than 429: a bad key, a prompt too long): not retried. */
public class ProviderRefused extends RuntimeException {

    public ProviderRefused(String message, Throwable cause) {
        super(message, cause);
    }
}
