package io.zhiyue.shared.error;

import java.util.List;

/** A failure the caller can act on; each service's exception mapper turns it into problem+json. */
public class ZhiyueException extends RuntimeException {

    private final ErrorCode code;
    private final transient List<Problem.FieldError> errors;

    public ZhiyueException(ErrorCode code, String detail) {
        this(code, detail, List.of());
    }

    public ZhiyueException(ErrorCode code, String detail, List<Problem.FieldError> errors) {
        super(detail, null, false, false);
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    public ErrorCode code() {
        return code;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    public static ZhiyueException notFound(String what, Object id) {
        return new ZhiyueException(ErrorCode.RECORD_NOT_FOUND, what + " " + id + " does not exist");
    }

    public static ZhiyueException validation(String field, String message) {
        return new ZhiyueException(ErrorCode.VALIDATION_ERROR, field + ": " + message,
                List.of(new Problem.FieldError(field, message)));
    }
}
