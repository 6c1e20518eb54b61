package io.zhiyue.grading.embedding;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.grader.Vectors;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addAiQuestionWithoutPoints;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The in-process embedding model and its store: each distinct normalised answer is embedded once
 * and kept; the model loads once per process; answers on the same point lie closer than answers on
 * another.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class EmbeddingTest {

    @Inject
    EmbeddingService embeddings;

    @Inject
    AnswerEmbedder embedder;

    @Test
    void eachDistinctNormalisedAnswerIsEmbeddedOnceAndKept() {
        String examId = createExam("embeddings");
        String questionId = addAiQuestionWithoutPoints(examId, 1, 4);
        // e-1 and e-2 are the same answer after normalisation (case, white space, full-width letters);
        // a tag of this run keeps the answers new to a store other tests and runs share
        String tag = UUID.randomUUID().toString().substring(0, 8);
        uploadCsv(examId, """
                student_id,question_number,answer
                e-1,1,Photosynthesis releases oxygen %1$s
                e-2,1,ＰＨＯＴＯＳＹＮＴＨＥＳＩＳ  releases   oxygen %1$s
                e-3,1,光合作用在叶绿体中进行，释放氧气 %1$s
                e-4,1,植物通过呼吸作用产生二氧化碳 %1$s
                """.formatted(tag)).statusCode(200);
        given().when().post("/api/v1/questions/" + questionId + "/embeddings").then().statusCode(200)
                .body("answers", equalTo(4)).body("distinct", equalTo(3)).body("embeddedNow", equalTo(3))
                .body("reused", equalTo(0)).body("model", equalTo(AnswerEmbedder.MODEL))
                .body("embeddedPerSecond", notNullValue());
        given().when().post("/api/v1/questions/" + questionId + "/embeddings").then().statusCode(200)
                .body("embeddedNow", equalTo(0)).body("reused", equalTo(3));
        assertThat(embedder.loads()).isEqualTo(1);
    }

    @Test
    void answersOnTheSamePointLieCloserThanAnswersOnAnother() {
        EmbeddingService.Embedded done = embeddings.embeddings(List.of("光合作用释放氧气", "光合作用会释放氧气",
                "植物通过呼吸作用产生二氧化碳", "Photosynthesis releases oxygen")).await().atMost(Duration.ofSeconds(60));
        Map<String, float[]> byText = done.byText();
        assertThat(byText).hasSize(4);
        assertThat(byText.values()).allSatisfy(vector -> {
            assertThat(vector).hasSize(AnswerEmbedder.DIMENSION);
            assertThat((double) Vectors.dot(vector, vector)).isCloseTo(1.0, offset(1e-4));
        });
        double same = Vectors.dot(byText.get("光合作用释放氧气"), byText.get("光合作用会释放氧气"));
        double other = Vectors.dot(byText.get("光合作用释放氧气"), byText.get("植物通过呼吸作用产生二氧化碳"));
        assertThat(same).isGreaterThan(other + 0.1);
        assertThat(embedder.loads()).isEqualTo(1);
    }

    @Test
    void suggestionsAreOneRepresentativeAnswerPerKindBiggestKindFirstWithoutMarkedOnes() {
        String examId = createExam("exemplar suggestions");
        String questionId = addAiQuestionWithoutPoints(examId, 1, 4);
        uploadCsv(examId, """
                student_id,question_number,answer
                p-1,1,光合作用在叶绿体中进行，释放氧气
                p-2,1,光合作用在叶绿体里进行，会释放氧气
                p-3,1,植物的光合作用在叶绿体中进行并放出氧气
                p-4,1,光合作用发生在叶绿体，产物之一是氧气
                p-5,1,光合作用在叶绿体中进行，释放氧气
                r-1,1,呼吸作用消耗有机物，产生二氧化碳和水
                r-2,1,细胞呼吸分解有机物并放出二氧化碳
                w-1,1,The water cycle moves water through evaporation and rain
                w-2,1,Water evaporates from the sea and falls again as rain
                """).statusCode(200);
        List<Map<String, Object>> items = given().queryParam("count", 3).when()
                .get("/api/v1/questions/" + questionId + "/exemplar-suggestions").then().statusCode(200)
                .body("items", hasSize(3)).extract().path("items");
        // one per kind, the photosynthesis answers (five, two of them identical) first; the other two
        // kinds are as big as each other
        List<String> kinds = items.stream().map(item -> ((String) item.get("studentId")).substring(0, 1)).toList();
        assertThat(kinds.get(0)).isEqualTo("p");
        assertThat(kinds.subList(1, 3)).containsExactlyInAnyOrder("r", "w");
        assertThat(items).extracting(item -> item.get("clusterSize")).containsExactly(5, 2, 2);

        // once a teacher marked p-1 it is no longer suggested (its identical twin p-5 still is)
        given().contentType("text/csv").body("student_id,question_number,score,marker_id\np-1,1,4,t\n")
                .when().post("/api/v1/exams/" + examId + "/marks").then().statusCode(200).body("accepted", equalTo(1));
        given().queryParam("count", 20).when().get("/api/v1/questions/" + questionId + "/exemplar-suggestions")
                .then().statusCode(200).body("items.studentId", not(hasItem("p-1")))
                .body("items.clusterSize.sum()", equalTo(8));
        for (String bad : List.of("0", "201", "many", "-1", " ")) {
            given().queryParam("count", bad).when().get("/api/v1/questions/" + questionId + "/exemplar-suggestions")
                    .then().statusCode(400).body("code", equalTo("VALIDATION_ERROR"));
        }
    }

    @Test
    void anUnknownQuestionIsNotFound() {
        given().when().post("/api/v1/questions/00000000-0000-0000-0000-000000000000/embeddings").then()
                .statusCode(404).body("code", equalTo("RECORD_NOT_FOUND"));
        given().when().get("/api/v1/questions/00000000-0000-0000-0000-000000000000/exemplar-suggestions").then()
                .statusCode(404).body("code", equalTo("RECORD_NOT_FOUND"));
    }
}
