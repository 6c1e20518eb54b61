package io.zhiyue.grading.llm;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points every test application at the checkpoint-service test double ({@link
 * ScriptedLlmProfile#CHECKPOINTS}, one per test JVM) and the result cache's ({@link ScriptedLlmProfile#RESULTS}), and makes a question's embedding stage go in
 * rounds of two texts so a few answers make several checkpointed rounds. The embedding tests run in
 * the default profile because the tokenizer's native library loads into one application's class
 * loader only.
 */
public class CheckpointStubResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.rest-client.checkpoint.url", ScriptedLlmProfile.CHECKPOINTS.url(),
                "quarkus.rest-client.cache.url", ScriptedLlmProfile.RESULTS.url(),
                "quarkus.rest-client.saga.url", ScriptedLlmProfile.SAGAS.url(),
                "zhiyue.grading.embedding-round", "2");
    }

    @Override
    public void stop() {
        // the double lives as long as the test JVM
    }
}
