package io.zhiyue.gateway.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A downstream answer read completely into memory, so it can be relayed after the client
 * connection is released and survive a retry decision.
 */
public record DownstreamResponse(int status, Map<String, String> headers, byte[] body) {

    /** Response headers the gateway relays; everything else is hop-by-hop or internal. */
    public static final List<String> RELAYED_HEADERS = List.of(
            HttpHeaders.CONTENT_TYPE, HttpHeaders.LOCATION, HttpHeaders.RETRY_AFTER,
            "Content-Disposition", HttpHeaders.ETAG, HttpHeaders.LAST_MODIFIED);

    /**
     * A downstream call as every client makes it: a refused connection becomes
     * {@link DownstreamUnreachable} (safe to retry anywhere), a 4xx an ordinary answer, a 5xx a
     * {@link DownstreamServerError} (counted by the breaker, relayed as it came).
     */
    static Uni<DownstreamResponse> of(Uni<Response> call) {
        return call.onFailure(DownstreamUnreachable::isConnectionRefused).transform(DownstreamUnreachable::new)
                .map(DownstreamResponse::read).map(response -> {
                    if (response.isServerError()) {
                        throw new DownstreamServerError(response);
                    }
                    return response;
                });
    }

    static DownstreamResponse read(Response response) {
        try {
            Map<String, String> headers = new LinkedHashMap<>();
            for (String name : RELAYED_HEADERS) {
                String value = response.getHeaderString(name);
                if (value != null) {
                    headers.put(name, value);
                }
            }
            byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : new byte[0];
            return new DownstreamResponse(response.getStatus(), Map.copyOf(headers), body == null ? new byte[0] : body);
        } finally {
            response.close();
        }
    }

    public String header(String name) {
        return headers.get(name);
    }

    public boolean isSuccessful() {
        return status >= 200 && status < 300;
    }

    public boolean isServerError() {
        return status >= 500;
    }
}
