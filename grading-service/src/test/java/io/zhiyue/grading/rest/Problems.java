package io.zhiyue.grading.rest;

import io.restassured.response.ValidatableResponse;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/** What every error must look like: RFC 9457 problem+json with a stable code and no stack trace. */
final class Problems {

    private Problems() {
    }

    static ValidatableResponse expectProblem(ValidatableResponse response, int status, String code) {
        return response.statusCode(status)
                .contentType(startsWith("application/problem+json"))
                .body("type", notNullValue())
                .body("title", notNullValue())
                .body("status", equalTo(status))
                .body("detail", notNullValue())
                .body("code", equalTo(code))
                .body("instance", startsWith("/"))
                .body("requestId", notNullValue())
                .body(not(containsString("at io.")))
                .body(not(containsString("Exception")))
                .body(not(containsString("at java.")));
    }

    static ValidatableResponse expectValidation(ValidatableResponse response, String field) {
        return expectProblem(response, 400, "VALIDATION_ERROR")
                .body("errors.field", hasItem(field));
    }
}
