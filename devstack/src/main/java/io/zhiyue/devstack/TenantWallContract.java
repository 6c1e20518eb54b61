package io.zhiyue.devstack;

import io.restassured.response.ValidatableResponse;
import io.zhiyue.shared.tenant.TenantHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.oneOf;

/**
 * What every service answers a request that did not come through the gateway: each {@code /api/v1} route, and a path
 * no resource serves, is a 401 AUTHENTICATION_ERROR problem+json without a tenant (shared-streams TenantWall, before
 * any routing), while health, metrics and OpenAPI answer as before. A service's test extends this as a
 * {@code @QuarkusTest} and names its routes.
 */
public abstract class TenantWallContract {

    private static final String PROBLEM = "application/problem+json";

    /** {@code "METHOD /api/v1/..."}: one request per resource of the service. */
    protected abstract List<String> guardedRoutes();

    @BeforeEach
    void sendNoDefaultTenant() {
        TestTenant.sendNone();
    }

    @Test
    void everyApiRouteRefusesARequestWithoutTenant() {
        for (String route : guardedRoutes()) {
            refused(send(route, null), route);
        }
        // refused before routing: without the wall this would be a 404
        refused(send("GET /api/v1/no-such-resource", null), "GET /api/v1/no-such-resource");
    }

    @Test
    void aBlankMalformedOrRepeatedTenantIsRefused() {
        String route = guardedRoutes().getFirst();
        for (String tenant : List.of("", "   ", "two words", "a/b", "<school>", "t".repeat(65))) {
            refused(send(route, tenant), route + " with tenant '" + tenant + "'");
        }
        String[] request = route.split(" ", 2);
        refused(given().header(TenantHeaders.TENANT, "school-a").header(TenantHeaders.TENANT, "school-b")
                .when().request(request[0], request[1]).then(), route + " with two tenants");
    }

    @Test
    void aRequestWithTheGatewaysTenantPassesTheWall() {
        String route = guardedRoutes().getFirst();
        // whatever the resource answers (a 404 for an id that does not exist), it is not the wall's 401
        send(route, TenantHeaders.DEFAULT_TENANT).statusCode(not(401));
        send(route, TenantHeaders.PLATFORM_TENANT).statusCode(not(401));
    }

    @Test
    void healthMetricsAndOpenApiAnswerWithoutTenant() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(oneOf(200, 503)).body("status", not(equalTo(null)));
        given().when().get("/q/metrics").then().statusCode(200);
        given().when().get("/q/openapi").then().statusCode(200);
    }

    private static ValidatableResponse send(String route, String tenant) {
        String[] request = route.split(" ", 2);
        var spec = given();
        if (tenant != null) {
            spec.header(TenantHeaders.TENANT, tenant);
        }
        return spec.when().request(request[0], request[1]).then();
    }

    private static void refused(ValidatableResponse response, String what) {
        try {
            response.statusCode(401).contentType(PROBLEM)
                    .body("status", equalTo(401))
                    .body("code", equalTo("AUTHENTICATION_ERROR"))
                    .body("detail", equalTo(TenantHeaders.NO_TENANT));
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
    }
}
