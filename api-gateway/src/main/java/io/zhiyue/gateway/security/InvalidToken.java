package io.zhiyue.gateway.security;

/** A bearer token that does not identify anybody; {@code description} is safe to show the caller. */
public class InvalidToken extends Exception {

    public InvalidToken(String description) {
        super(description, null, false, false);
    }

    public String description() {
        return getMessage();
    }
}
