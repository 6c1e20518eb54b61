package io.zhiyue.grading.embedding;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.llm.CheckpointServiceStub;
import io.zhiyue.grading.llm.CheckpointStubResource;
import io.zhiyue.grading.llm.ScriptedLlmProfile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addAiQuestionWithoutPoints;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * A question's embedding stage checkpoints its progress after each round (two texts per round in
 * the tests, {@link CheckpointStubResource}) and a run started again resumes after the last checkpointed round — unless the
 * texts before it changed, when it starts over and says why.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = CheckpointStubResource.class, restrictToAnnotatedClass = false)
class EmbeddingStageTest {

    private static final CheckpointServiceStub CHECKPOINTS = ScriptedLlmProfile.CHECKPOINTS;

    @Test
    void aStageStartedAgainResumesAfterItsLastCheckpointedRound() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String examId = createExam("stage-" + tag);
        String questionId = addAiQuestionWithoutPoints(examId, 1, 4);
        uploadCsv(examId, """
                student_id,question_number,answer
                s-1,1,b 光合作用释放氧气 %1$s
                s-2,1,c 植物通过呼吸作用产生二氧化碳 %1$s
                s-3,1,d Photosynthesis releases oxygen %1$s
                s-4,1,e 叶绿体是光合作用的场所 %1$s
                s-5,1,f 水分通过根吸收 %1$s
                """.formatted(tag)).statusCode(200);

        // the first run: five texts, three rounds, a checkpoint after each
        given().when().post("/api/v1/questions/" + questionId + "/embeddings").then().statusCode(200)
                .body("distinct", equalTo(5)).body("embeddedNow", equalTo(5)).body("resumedAfter", equalTo(0))
                .body("checkpointId", nullValue()).body("resumeNote", nullValue());
        List<String> rounds = CHECKPOINTS.ids(questionId, "embedding");
        assertThat(rounds).hasSize(3);
        assertThat(CHECKPOINTS.latest(questionId, "embedding")).contains("\"texts\":5");

        // a run that died after its first round: the next one takes up after that round's two texts
        CHECKPOINTS.rewind(questionId, "embedding", 1);
        given().when().post("/api/v1/questions/" + questionId + "/embeddings").then().statusCode(200)
                .body("resumedAfter", equalTo(2)).body("checkpointId", equalTo(rounds.getFirst()))
                .body("resumeNote", nullValue()).body("embeddedNow", equalTo(0)).body("reused", equalTo(5));
        assertThat(CHECKPOINTS.ids(questionId, "embedding")).hasSize(3);
        assertThat(CHECKPOINTS.latest(questionId, "embedding")).contains("\"texts\":5");

        // a new answer that sorts first: the checkpointed texts are no longer the first two, so it starts over
        CHECKPOINTS.rewind(questionId, "embedding", 1);
        uploadCsv(examId, "student_id,question_number,answer\ns-6,1,a 新的答案 " + tag + "\n").statusCode(200);
        given().when().post("/api/v1/questions/" + questionId + "/embeddings").then().statusCode(200)
                .body("distinct", equalTo(6)).body("resumedAfter", equalTo(0)).body("embeddedNow", equalTo(1))
                .body("resumeNote", containsString("the answers changed since checkpoint " + rounds.getFirst()));
        assertThat(CHECKPOINTS.latest(questionId, "embedding")).contains("\"texts\":6");
    }
}
