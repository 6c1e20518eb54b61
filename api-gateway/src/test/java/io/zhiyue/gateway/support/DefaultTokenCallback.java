package io.zhiyue.gateway.support;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/** Gives every rest-assured request of the gateway's tests a staff token (see {@link TestTokens}). */
public class DefaultTokenCallback implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        TestTokens.installDefault();
    }
}
