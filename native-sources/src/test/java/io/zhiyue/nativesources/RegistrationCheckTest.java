package io.zhiyue.nativesources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The parts of the reflection check on small inputs, so the check itself is known to catch a gap. */
class RegistrationCheckTest {

    @Test
    void findsTheProjectTypesAJacksonReadNames() {
        String source = """
                package io.zhiyue.grading.service;

                import com.fasterxml.jackson.databind.JsonNode;
                import io.zhiyue.grading.grader.GradeResult;
                import io.zhiyue.grading.model.GradingResult.Marker;
                import io.zhiyue.shared.event.JobStateChanged;

                class Reads {
                    record Local(String a) {}
                    private static final TypeReference<List<Marker>> MARKERS = new TypeReference<>() {
                    };
                    void reads() throws Exception {
                        JsonCodec.mapper().treeToValue(value, GradeResult.class);
                        JsonCodec.read(row.getString("recovery"), JobStateChanged.Recovery.class);
                        JsonCodec.read(new String(Base64.getDecoder().decode(text.trim()), UTF_8),
                                Local.class);
                        json.readValue(body, JsonNode.class);
                        JsonCodec.read(row.getString("points"), String[].class);
                        json.readValue(body, Reads.class);
                        envelope.payloadAs(io.zhiyue.shared.saga.SagaCommand.class);
                    }
                }
                """;

        assertThat(JacksonReads.inSource(source, "Reads", null)).containsExactlyInAnyOrder(
                "io.zhiyue.grading.grader.GradeResult", "io.zhiyue.shared.event.JobStateChanged$Recovery",
                "io.zhiyue.grading.service.Reads$Local", "io.zhiyue.grading.service.Reads",
                "io.zhiyue.grading.model.GradingResult$Marker", "io.zhiyue.shared.saga.SagaCommand");
    }

    @Test
    void ignoresReadsInCommentsAndStrings() {
        String source = """
                package io.zhiyue.cache;

                class Quiet {
                    record Gone(String a) {}
                    // JsonCodec.read(text, Gone.class);
                    /* json.readValue(body, Gone.class) */
                    String hint = "read(text, Gone.class)";
                    void reads() {
                        JsonCodec.read(text, JsonNode.class);
                    }
                }
                """;

        assertThat(JacksonReads.inSource(source, "Quiet", null)).isEmpty();
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

    enum Kind { ONE, TWO }

    record Detail(String text) {
    }

    record Item(int n, Optional<Detail> detail) {
    }

    record Payload(List<Item> items, Map<String, Detail[]> byName, Kind kind, JsonNode raw) {
    }

    @Test
    void followsWhatARecordHoldsButNotEnumsOrLibraryTypes() {
        ReachableTypes reachable = ReachableTypes.from(List.of(Payload.class.getName()), getClass().getClassLoader(),
                "io.zhiyue.");

        assertThat(reachable.types()).containsExactlyInAnyOrder(Payload.class.getName(), Item.class.getName(),
                Detail.class.getName());
        assertThat(reachable.reachedFrom()).containsEntry(Detail.class.getName(), Payload.class.getName());
        assertThat(reachable.absent()).isEmpty();
    }

    @Test
    void reportsAListedTypeThatDoesNotExist() {
        ReachableTypes reachable = ReachableTypes.from(List.of(Item.class.getName(), "io.zhiyue.renamed.Gone"),
                getClass().getClassLoader(), "io.zhiyue.");

        assertThat(reachable.absent()).containsExactly("io.zhiyue.renamed.Gone");
    }

    @Test
    void aNestedTypeLeftUnregisteredIsReported() throws Exception {
        ReflectConfig config = ReflectConfig.parse(new ObjectMapper().readTree("""
                [{"name": "%s", "allDeclaredConstructors": true, "allDeclaredMethods": true},
                 {"name": "%s", "allDeclaredConstructors": true, "allDeclaredFields": true}]
                """.formatted(Payload.class.getName(), Item.class.getName())));
        ReachableTypes reachable = ReachableTypes.from(List.of(Payload.class.getName()), getClass().getClassLoader(),
                "io.zhiyue.");

        assertThat(config.missing(reachable.types())).containsExactly(Detail.class.getName());
    }
}
