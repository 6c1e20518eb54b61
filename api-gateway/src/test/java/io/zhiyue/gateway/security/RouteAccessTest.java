package io.zhiyue.gateway.security;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.zhiyue.gateway.support.GradingStub;
import io.zhiyue.gateway.support.InjectGradingStub;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import io.zhiyue.gateway.support.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each role against a route of each class (and the operator, platform and student routes): the
 * roles the issue names pass, every other role is a 403 problem and nothing reaches the service.
 * The expected roles are written out here, not read from the annotations, so a wrong rule fails.
 */
@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class RouteAccessTest {

    private static final List<String> ROLES = List.of("admin", "teacher", "chief", "marker", "student", "platform-admin");
    private static final Set<String> STAFF = Set.of("admin", "teacher", "chief");
    private static final Set<String> MARKING = Set.of("admin", "teacher", "chief", "marker");

    @InjectGradingStub
    GradingStub grading;

    record Route(String name, String method, String path, String body, Set<String> allowed) {
    }

    static List<Route> routes() {
        String id = "8e0c5bfa-3f57-4b6e-8a5e-0d3f4c1b2a90";
        return List.of(
                new Route("reads: list exams", "GET", "/api/v1/exams", null, MARKING),
                new Route("reads: job results", "GET", "/api/v1/grading-jobs/" + id + "/results", null, STAFF),
                new Route("reads: an exam's jobs", "GET", "/api/v1/exams/" + id + "/grading-jobs", null, STAFF),
                new Route("reads: an exam (markers find their queue)", "GET", "/api/v1/exams/" + id, null, MARKING),
                new Route("reads: an exam's questions", "GET", "/api/v1/exams/" + id + "/questions", null, MARKING),
                new Route("writes: create exam", "POST", "/api/v1/exams", "{\"title\":\"t\"}", STAFF),
                new Route("writes: override", "POST", "/api/v1/submissions/" + id + "/override", "{}", STAFF),
                new Route("writes: release", "POST", "/api/v1/exams/" + id + "/release", null, STAFF),
                new Route("uploads: submissions", "POST", "/api/v1/exams/" + id + "/submissions", "[]", STAFF),
                new Route("job controls: start", "POST", "/api/v1/grading-jobs/" + id + "/start", null, STAFF),
                new Route("job controls: create job", "POST", "/api/v1/exams/" + id + "/grading-jobs", "{}", STAFF),
                new Route("marking: review item mark", "POST", "/api/v1/review-items/" + id + "/marks", "{}", MARKING),
                new Route("reads: review item exemplars", "GET", "/api/v1/review-items/" + id + "/exemplars", null,
                        MARKING),
                new Route("marking: next item", "POST", "/api/v1/exams/" + id + "/review-items/next", "{}", MARKING),
                new Route("reads: answer groups (staff: a marker reads its own queue only)", "GET",
                        "/api/v1/questions/" + id + "/answer-groups", null, STAFF),
                new Route("operators: sagas", "GET", "/api/v1/sagas", null, Set.of("admin")),
                new Route("operators: saga action", "POST", "/api/v1/sagas/" + id + "/actions", "{}", Set.of("admin")),
                new Route("operators: one saga", "GET", "/api/v1/sagas/" + id, null, STAFF),
                new Route("operators: checkpoints", "GET", "/api/v1/checkpoints/" + id + "/llm", null, Set.of("admin")),
                new Route("operators: audit log", "GET", "/api/v1/audit-log", null, Set.of("admin")),
                new Route("operators: deletion request", "POST", "/api/v1/deletions", "{}", Set.of("admin")),
                new Route("operators: deletion confirmation", "POST", "/api/v1/deletions/" + id + "/confirm", null,
                        Set.of("admin")),
                new Route("operators: deletion record", "GET", "/api/v1/deletions/" + id, null, Set.of("admin")),
                new Route("operators: a student's erasure", "POST", "/api/v1/students/s-1/erasure", null,
                        Set.of("admin")),
                new Route("writes: answer correction", "PUT", "/api/v1/submissions/" + id + "/answer", "{}", STAFF),
                new Route("reads: answer versions", "GET", "/api/v1/submissions/" + id + "/versions", null, STAFF),
                new Route("platform: traces", "GET", "/api/v1/traces", null, Set.of("platform-admin")),
                new Route("students: own results", "GET", "/api/v1/students/s-1/results", null,
                        Set.of("admin", "teacher", "chief", "student")));
    }

    static Stream<Arguments> everyRoleOnEveryRoute() {
        return routes().stream().flatMap(route -> ROLES.stream().map(role -> Arguments.of(route.name(), role, route)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("everyRoleOnEveryRoute")
    void onlyTheNamedRolesPass(String name, String role, Route route) {
        String token = TestTokens.mint(role, TestTokens.TENANT, "s-1");
        Response response = send(route, token);
        if (route.allowed().contains(role)) {
            assertThat(response.statusCode()).as(name + " as " + role).isNotIn(401, 403);
        } else {
            assertThat(response.statusCode()).as(name + " as " + role).isEqualTo(403);
            assertThat(response.jsonPath().getString("code")).isEqualTo("AUTHORIZATION_ERROR");
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
    }

    @Test
    void aTokenWithoutAKnownRoleMayDoNothing() {
        String token = TestTokens.mint("janitor", TestTokens.TENANT, "someone");
        for (Route route : routes()) {
            assertThat(send(route, token).statusCode()).as(route.name()).isEqualTo(403);
        }
    }

    @Test
    void aStudentSeesOnlyTheirOwnResultsAndNothingReachesGradingOtherwise() {
        String student = "stu-" + UUID.randomUUID();
        given().header("Authorization", "Bearer " + TestTokens.mint("student", TestTokens.TENANT, student))
                .when().get("/api/v1/students/{id}/results", "someone-else")
                .then().statusCode(403);
        assertThat(grading.count("GET", "/api/v1/students/someone-else/results")).isZero();
        given().header("Authorization", "Bearer " + TestTokens.mint("student", TestTokens.TENANT, student))
                .when().get("/api/v1/students/{id}/results", student)
                .then().statusCode(200);
        assertThat(grading.last("GET", "/api/v1/students/" + student + "/results").header("X-ZhiYue-Subject"))
                .isEqualTo(student);
    }

    private static Response send(Route route, String token) {
        var request = given().header("Authorization", "Bearer " + token);
        if (route.body() != null) {
            request = request.contentType(ContentType.JSON).body(route.body());
        }
        return request.when().request(route.method(), route.path());
    }
}
