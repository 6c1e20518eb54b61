package io.zhiyue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.devstack.Backup;
import io.zhiyue.devstack.DevstackProcess;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.GatewayException;
import io.zhiyue.e2e.driver.Job;
import io.zhiyue.e2e.driver.SampleExam;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The restore drill, on its own devstack with a data directory (it is stopped and replaced): grade an
 * exam, back up while the suite runs, change things (another exam created and graded), stop
 * everything, restore, start again: the restored system answers exactly as at backup time, knows
 * nothing of what came after, and grades again.
 */
class RestoreDrillIT {

    private static final Duration GRADING = Duration.ofMinutes(3);

    @Test
    void aRestoredSuiteAnswersExactlyAsAtBackupTimeAndGradesAgain() throws Exception {
        Path root = Path.of(System.getProperty("zhiyue.root", "..")).toAbsolutePath().normalize();
        Path target = root.resolve("e2e-tests/target");
        Path data = target.resolve("drill-data");
        deleteTree(data);
        Path backup = target.resolve("drill-backup.zip");
        Path devstackLog = target.resolve("e2e-logs/drill-devstack.log");
        String[] devstackArgs = {"--data", data.toString()};

        Answers atBackup;
        String examA;
        String jobA;
        String examB;
        String jobB;
        try (DevstackProcess devstack = DevstackProcess.start(devstackArgs, devstackLog);
             SuiteProcesses suite = SuiteProcesses.start("drill", devstack.endpoints(), 1, Map.of())) {
            GatewayClient gateway = suite.gateway();
            SampleExam exam = SampleExam.generate(60, 21L);
            examA = gateway.createExam("Drill " + exam.title(), exam.subject());
            exam.questions().forEach(q -> gateway.addQuestion(examA, q));
            gateway.uploadCsv(examA, exam.csv());
            jobA = grade(gateway, examA).id();
            atBackup = Answers.of(gateway, examA, jobA);

            Backup.Made made = Backup.create(devstack.endpoints(), backup);
            System.out.printf("e2e: backup of %,d bytes (%d files, %d WAL segments) in %,d ms%n", made.bytes(),
                    made.files(), made.walSegments(), made.millis());

            // what happens after the backup, and must be gone after the restore
            SampleExam other = SampleExam.generate(30, 23L);
            examB = gateway.createExam("Drill, after the backup", other.subject());
            other.questions().forEach(q -> gateway.addQuestion(examB, q));
            gateway.uploadCsv(examB, other.csv());
            jobB = grade(gateway, examB).id();
            assertThat(Answers.of(gateway, examA, jobA).exams()).as("the change is visible before the restore")
                    .isNotEqualTo(atBackup.exams());
        }

        Backup.Restored restored = Backup.restore(backup, data);
        assertThat(restored.keptAside()).isDirectory();
        deleteTree(restored.keptAside());

        try (DevstackProcess devstack = DevstackProcess.start(devstackArgs, devstackLog);
             SuiteProcesses suite = SuiteProcesses.start("drill-restored", devstack.endpoints(), 1, Map.of())) {
            GatewayClient gateway = suite.gateway();
            Answers afterRestore = Answers.of(gateway, examA, jobA);
            assertThat(afterRestore.job()).as("the job").isEqualTo(atBackup.job());
            assertThat(afterRestore.statistics()).as("its statistics").isEqualTo(atBackup.statistics());
            assertThat(afterRestore.export()).as("every result (the CSV export)").isEqualTo(atBackup.export());
            assertThat(afterRestore.exams()).as("the exams").isEqualTo(atBackup.exams());
            assertThat(afterRestore.questions()).as("the questions").isEqualTo(atBackup.questions());
            for (String gone : new String[] {"exams/" + examB, "grading-jobs/" + jobB}) {
                assertThatThrownBy(() -> gateway.getJson(gone)).as(gone)
                        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.status()).isEqualTo(404));
            }

            // and it works: streams, consumer groups and the read model came back with the data
            SampleExam again = SampleExam.generate(20, 24L);
            String examC = gateway.createExam("Drill, after the restore", again.subject());
            again.questions().forEach(q -> gateway.addQuestion(examC, q));
            gateway.uploadCsv(examC, again.csv());
            Job jobC = grade(gateway, examC);
            assertThat(jobC.done()).isEqualTo(jobC.total()).isPositive();
        }
    }

    /** What a teacher reads of the exam graded before the backup. */
    private record Answers(JsonNode job, JsonNode statistics, String export, JsonNode exams, JsonNode questions) {

        static Answers of(GatewayClient gateway, String examId, String jobId) {
            return new Answers(gateway.getJson("grading-jobs/" + jobId), gateway.getJson("grading-jobs/" + jobId + "/statistics"),
                    gateway.exportCsv(jobId), gateway.getJson("exams?page_size=100"),
                    gateway.getJson("exams/" + examId + "/questions"));
        }
    }

    private static Job grade(GatewayClient gateway, String examId) {
        Job job = gateway.createJob(examId);
        gateway.startJob(job.id());
        Job done = await("job " + job.id() + " completes").atMost(GRADING).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> gateway.job(job.id()), Job::isFinal);
        assertThat(done.state()).isEqualTo("COMPLETED");
        return done;
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
