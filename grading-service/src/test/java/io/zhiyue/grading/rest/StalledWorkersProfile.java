package io.zhiyue.grading.rest;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** No grading workers: a started job stays EXECUTING until the test moves it, so controls are deterministic. */
public class StalledWorkersProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("zhiyue.grading.workers", "0");
    }
}
