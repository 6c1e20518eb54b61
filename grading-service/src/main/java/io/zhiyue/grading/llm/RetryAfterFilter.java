package io.zhiyue.grading.llm;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;
import jakarta.ws.rs.ext.Provider;

import java.net.URI;
import java.time.Duration;

/**
 * Reads {@code Retry-After} from the provider's 429 and 503 answers. The langchain4j client turns
 * such an answer into an exception that keeps the status and body only, so the header is taken
 * here, as the REST client receives it (a global client filter; it ignores every other host).
 */
@Provider
public class RetryAfterFilter implements ClientResponseFilter {

    private final String provider;

    public RetryAfterFilter(LlmConfig config) {
        this.provider = config.baseUrl().map(url -> URI.create(url).getAuthority()).orElse(null);
    }

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) {
        int status = response.getStatus();
        if ((status == 429 || status == 503) && provider != null && provider.equals(request.getUri().getAuthority())) {
            Duration wait = ProviderBackoff.parse(response.getHeaderString("Retry-After"));
            if (wait != null) {
                ProviderBackoff.hold(wait);
            }
        }
    }
}
