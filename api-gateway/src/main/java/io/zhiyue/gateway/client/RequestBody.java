package io.zhiyue.gateway.client;

/** A request body forwarded byte for byte, with the caller's Content-Type. */
public record RequestBody(String contentType, byte[] bytes) {

    public static final RequestBody EMPTY = new RequestBody(null, new byte[0]);

    public RequestBody {
        bytes = bytes == null ? new byte[0] : bytes;
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }
}
