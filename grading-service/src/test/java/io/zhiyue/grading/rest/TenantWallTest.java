package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.devstack.TenantWallContract;

import java.util.List;

/** grading-service refuses a request that did not come through the gateway (no tenant), and its health still answers. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class TenantWallTest extends TenantWallContract {

    @Override
    protected List<String> guardedRoutes() {
        return List.of(
                "GET /api/v1/exams",
                "POST /api/v1/exams",
                "GET /api/v1/exams/00000000-0000-0000-0000-000000000001",
                "GET /api/v1/exams/00000000-0000-0000-0000-000000000001/questions",
                "POST /api/v1/exams/00000000-0000-0000-0000-000000000001/submissions",
                "GET /api/v1/grading-jobs/00000000-0000-0000-0000-000000000001",
                "POST /api/v1/grading-jobs/00000000-0000-0000-0000-000000000001/start",
                "GET /api/v1/grading-jobs/00000000-0000-0000-0000-000000000001/export",
                "POST /api/v1/submissions/00000000-0000-0000-0000-000000000001/override",
                "GET /api/v1/submissions/00000000-0000-0000-0000-000000000001/explanation",
                "POST /api/v1/review-items/00000000-0000-0000-0000-000000000001/marks",
                "POST /api/v1/answer-groups/00000000-0000-0000-0000-000000000001/marks",
                "GET /api/v1/questions/00000000-0000-0000-0000-000000000001/answer-groups",
                "PUT /api/v1/questions/00000000-0000-0000-0000-000000000001/rubric");
    }
}
