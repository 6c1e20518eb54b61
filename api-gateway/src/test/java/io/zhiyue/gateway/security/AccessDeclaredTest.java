package io.zhiyue.gateway.security;

import io.zhiyue.gateway.rest.AnswerGroupResource;
import io.zhiyue.gateway.rest.AuditLogResource;
import io.zhiyue.gateway.rest.CheckpointResource;
import io.zhiyue.gateway.rest.ExamResource;
import io.zhiyue.gateway.rest.GradingJobResource;
import io.zhiyue.gateway.rest.QuestionResource;
import io.zhiyue.gateway.rest.ReviewItemResource;
import io.zhiyue.gateway.rest.SagaResource;
import io.zhiyue.gateway.rest.StudentResource;
import io.zhiyue.gateway.rest.SubmissionResource;
import io.zhiyue.gateway.rest.TraceResource;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every public route says who may call it and what it counts against; the operator and platform routes
 * are for their audiences only. (A route without a rule is refused at run time; this finds it before.)
 */
class AccessDeclaredTest {

    private static final List<Class<?>> RESOURCES = List.of(AnswerGroupResource.class, AuditLogResource.class,
            CheckpointResource.class,
            ExamResource.class, GradingJobResource.class, QuestionResource.class, ReviewItemResource.class,
            SagaResource.class, StudentResource.class, SubmissionResource.class, TraceResource.class);

    @Test
    void everyRouteDeclaresItsAccess() {
        List<String> undeclared = new ArrayList<>();
        for (Method route : routes().toList()) {
            if (route.getAnnotation(Access.class) == null) {
                undeclared.add(route.getDeclaringClass().getSimpleName() + "." + route.getName());
            }
        }
        assertThat(routes().count()).as("routes found").isGreaterThan(40);
        assertThat(undeclared).isEmpty();
    }

    @Test
    void operatorAndPlatformRoutesAreTheirAudiencesOnly() {
        routes().filter(route -> route.getDeclaringClass() == CheckpointResource.class)
                .forEach(route -> assertThat(route.getAnnotation(Access.class).audience()).as(route.getName())
                        .isEqualTo(Audience.OPERATORS));
        routes().filter(route -> route.getDeclaringClass() == TraceResource.class)
                .forEach(route -> assertThat(route.getAnnotation(Access.class).audience()).as(route.getName())
                        .isEqualTo(Audience.PLATFORM));
        routes().filter(route -> route.getDeclaringClass() == SagaResource.class && !route.getName().equals("get"))
                .forEach(route -> assertThat(route.getAnnotation(Access.class).audience()).as(route.getName())
                        .isEqualTo(Audience.OPERATORS));
        routes().filter(route -> route.getAnnotation(GET.class) == null)
                .forEach(route -> assertThat(route.getAnnotation(Access.class).value()).as(route.getName())
                        .isNotEqualTo(RouteClass.READS));
    }

    private static Stream<Method> routes() {
        return RESOURCES.stream().flatMap(resource -> Stream.of(resource.getDeclaredMethods()))
                .filter(method -> method.getAnnotation(GET.class) != null || method.getAnnotation(POST.class) != null
                        || method.getAnnotation(PUT.class) != null || method.getAnnotation(DELETE.class) != null);
    }
}
