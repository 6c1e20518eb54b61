package io.zhiyue.nativesources;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The two halves of the reflection check on small inputs, so the check itself is known to catch a gap. */
class RegistrationCheckTest {

    @Test
    void findsTheProjectTypesAJacksonReadNames() {
        String source = """
                package io.zhiyue.grading.service;

                import com.fasterxml.jackson.databind.JsonNode;
                import io.zhiyue.grading.grader.GradeResult;
                import io.zhiyue.shared.event.JobStateChanged;

                class Reads {
                    record Local(String a) {}
                    void reads() throws Exception {
                        JsonCodec.mapper().treeToValue(value, GradeResult.class);
                        JsonCodec.read(row.getString("recovery"), JobStateChanged.Recovery.class);
                        JsonCodec.read(text, Local.class);
                        json.readValue(body, JsonNode.class);
                        JsonCodec.read(row.getString("points"), String[].class);
                        json.readValue(body, Reads.class);
                    }
                }
                """;

        assertThat(JacksonReads.inSource(source, "Reads", null)).containsExactlyInAnyOrder(
                "io.zhiyue.grading.grader.GradeResult", "io.zhiyue.shared.event.JobStateChanged$Recovery",
                "io.zhiyue.grading.service.Reads$Local", "io.zhiyue.grading.service.Reads");
    }

    @Test
    void reportsATypeTheNativeBuildDidNotRegister() throws Exception {
        ReflectConfig config = ReflectConfig.parse(new ObjectMapper().readTree("""
                [{"name": "a.Registered", "allDeclaredConstructors": true, "allDeclaredMethods": true},
                 {"name": "a.FieldsOnly", "allDeclaredFields": true}]
                """));

        assertThat(config.missing(Set.of("a.Registered", "a.FieldsOnly", "a.Absent")))
                .containsExactly("a.Absent", "a.FieldsOnly");
    }
}
