package io.zhiyue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The alert rules and the dashboards as operators load them: every alert waits ({@code for}), says how bad it is
 * and what to do, and has a promtool unit test where it fires and one where it stays silent; promtool (Debian's
 * {@code prometheus} package ships it) passes those tests when it is on the PATH; every dashboard provisions into
 * Grafana on the {@code prometheus} datasource. Whether the metrics they read exist is TracingEndToEndIT's part.
 */
class MonitoringFilesTest {

    private static final Path ROOT = MonitoringQueries.root();

    @Test
    void everyAlertWaitsAndHasASeverityASummaryAndARunbook() {
        List<String> alerts = new ArrayList<>();
        for (JsonNode group : MonitoringQueries.rules(ROOT).path("groups")) {
            assertThat(group.path("name").asText()).isNotBlank();
            for (JsonNode rule : group.path("rules")) {
                String alert = rule.path("alert").asText();
                alerts.add(alert);
                assertThat(rule.path("expr").asText()).as(alert).isNotBlank();
                assertThat(rule.path("for").asText()).as(alert + " for").matches("\\d+[smh]");
                assertThat(rule.path("labels").path("severity").asText()).as(alert + " severity")
                        .isIn("critical", "warning");
                assertThat(rule.path("annotations").path("summary").asText()).as(alert + " summary").isNotBlank();
                assertThat(rule.path("annotations").path("runbook").asText()).as(alert + " runbook").isNotBlank();
            }
        }
        assertThat(alerts).doesNotHaveDuplicates().contains("AiHumanAgreementLow", "GradingJobStalled",
                "StreamConsumerLagging", "StreamDeadLettersGrowing", "OutboxBacklogGrowing", "SlowStatements",
                "HighServerErrorRate", "LiveDisconnectStorm", "CacheDegraded", "SagaParked",
                "CheckpointSaveLeftForOperator");
    }

    @Test
    void everyAlertIsTestedFiringAndSilent() {
        Set<String> alerts = new TreeSet<>();
        MonitoringQueries.rules(ROOT).path("groups")
                .forEach(group -> group.path("rules").forEach(rule -> alerts.add(rule.path("alert").asText())));
        Set<String> fired = new HashSet<>();
        Set<String> silent = new HashSet<>();
        for (JsonNode test : MonitoringQueries.yaml(ROOT.resolve(MonitoringQueries.RULE_TESTS)).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? silent : fired).add(check.path("alertname").asText());
            }
        }
        assertThat(fired).as("alerts with a case where they fire").containsAll(alerts);
        assertThat(silent).as("alerts with a case where they stay silent").containsAll(alerts);
    }

    @Test
    void promtoolPassesTheRuleTests() throws Exception {
        Optional<Path> promtool = onPath("promtool");
        assumeTrue(promtool.isPresent(), "promtool is not on the PATH (apt-get install prometheus ships it)");
        String output = run(promtool.get().toString(), "test", "rules", MonitoringQueries.RULE_TESTS);
        assertThat(output).contains("SUCCESS");
    }

    @Test
    void everyDashboardProvisionsOnThePrometheusDatasource() throws IOException {
        List<Path> dashboards = MonitoringQueries.dashboards(ROOT);
        assertThat(dashboards).hasSizeGreaterThanOrEqualTo(2);
        Set<String> uids = new HashSet<>();
        for (Path file : dashboards) {
            JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
            assertThat(uids.add(dashboard.path("uid").asText())).as(file + " uid is its own").isTrue();
            assertThat(dashboard.path("title").asText()).as(file + " title").isNotBlank();
            assertThat(dashboard.path("schemaVersion").asInt()).as(file + " schemaVersion").isBetween(36, 41);
            // provisioned dashboards carry no database id
            assertThat(dashboard.path("id").isNull() || dashboard.path("id").isMissingNode()).as(file + " id").isTrue();
            Set<Integer> panelIds = new HashSet<>();
            List<JsonNode> panels = new ArrayList<>();
            dashboard.path("panels").forEach(panels::add);
            for (JsonNode panel : panels) {
                String what = file.getFileName() + " panel '" + panel.path("title").asText() + "'";
                assertThat(panelIds.add(panel.path("id").asInt())).as(what + " id").isTrue();
                assertThat(panel.path("gridPos").path("w").asInt()).as(what + " width").isBetween(1, 24);
                if ("row".equals(panel.path("type").asText())) {
                    continue;
                }
                assertThat(panel.path("datasource").path("uid").asText()).as(what + " datasource")
                        .isEqualTo("prometheus");
                assertThat(panel.path("targets")).as(what + " queries").isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("expr").asText()).as(what + " expr").isNotBlank();
                    assertThat(target.path("datasource").path("uid").asText()).as(what + " target datasource")
                            .isEqualTo("prometheus");
                }
            }
        }
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable).findFirst();
    }

    /** Runs the command in the repository's root; answers its output, failing on a non-zero exit. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command) + " ended").isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + " said:\n" + output).isZero();
        return output;
    }
}
