package io.zhiyue.shared.error;

/** Stable error codes carried in every problem+json body, with their HTTP status. */
public enum ErrorCode {
    VALIDATION_ERROR(400, "Validation failed"),
    AUTHENTICATION_ERROR(401, "Authentication required"),
    AUTHORIZATION_ERROR(403, "Not allowed"),
    RECORD_NOT_FOUND(404, "Record not found"),
    DUPLICATE_RECORD(409, "Duplicate record"),
    ILLEGAL_STATE(409, "Illegal state"),
    /** A stored checkpoint whose chain is broken or whose state does not match its recorded hash. */
    CHECKPOINT_CORRUPT(409, "Checkpoint corrupt"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    URI_TOO_LONG(414, "URI too long"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    RATE_LIMITED(429, "Too many requests"),
    HEADERS_TOO_LARGE(431, "Request headers too large"),
    INTERNAL_ERROR(500, "Internal error"),
    DEPENDENCY_UNAVAILABLE(503, "Dependency unavailable");

    private final int status;
    private final String title;

    ErrorCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String type() {
        return "https://zhiyue.io/problems/" + name().toLowerCase().replace('_', '-');
    }
}
