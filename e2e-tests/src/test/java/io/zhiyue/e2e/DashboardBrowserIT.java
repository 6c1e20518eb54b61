package io.zhiyue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.devstack.Devstack;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.LocalIdentity;
import io.zhiyue.shared.json.JsonCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.math.RoundingMode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The teacher's dashboard in a real browser (Debian's Chromium, headless, driven through Debian's chromedriver)
 * against the whole suite: sign in with a login link, create an exam and its questions, upload answers with a
 * rejected row, start a job and watch it reach 100 % over the live channel (then the socket dropped, and the page
 * resubscribing after the last id it saw), mark two review items with the keyboard beside the AI's proposal and the nearest teacher-marked answers, see
 * the quality figures change, override a score through its
 * saga, and as an operator see the saga's steps and a trace's waterfall. Each screen is saved as a PNG under
 * {@code e2e-tests/target/dashboard-screenshots}. Without Chromium the tests are skipped and say how to enable them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {

    private static final Path CHROMIUM = Path.of(System.getProperty("zhiyue.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("zhiyue.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TEACHER = "browser-teacher";
    /** Question 2's answers a teacher marks: three right (3 points), two wrong (0). */
    private static final List<String> MARKED = List.of("光合作用把光能转化为化学能，并释放氧气",
            "植物利用光能把二氧化碳和水变成有机物，放出氧气", "光能变成化学能储存在有机物中，同时产生氧气",
            "植物从土壤里吸收养分长大", "植物靠根吸收肥料获得能量");
    /** Question 2's answers the job proposes for and people review. */
    private static final List<String> QUESTION_2 = List.of("光合作用将光能转化成化学能，释放出氧气",
            "植物把光能转化为化学能储存起来", "植物的能量来自土壤中的肥料", "绿色植物利用光能制造有机物并放出氧气",
            "根从泥土中吸收营养", "光能被转化为化学能，储存在有机物里");

    private static SuiteProcesses suite;
    private static GatewayClient api;
    private static ChromeDriver browser;
    private static WebDriverWait wait;
    private static Path screenshots;
    private static String base;
    private static String examId;
    private static String jobId;
    private static String sagaId;
    private static int shot;

    @BeforeAll
    static void start() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the dashboard's browser tests need Chromium and chromedriver (" + CHROMIUM + ", " + CHROMEDRIVER
                        + "): on Debian `sudo apt-get install chromium chromium-driver` (.ci/run does), or point "
                        + "-Dzhiyue.chromium and -Dzhiyue.chromedriver at them");
        suite = SuiteProcesses.startTraced("e2e-dashboard", Devstack.shared(), 1, Map.of());
        base = suite.gateway().base().resolve("/").toString();
        api = suite.gateway().withToken(LocalIdentity.token(TEACHER, Set.of("teacher", "admin", "platform-admin")));
        Path root = Path.of(System.getProperty("zhiyue.root", "..")).toAbsolutePath().normalize();
        screenshots = Files.createDirectories(root.resolve("e2e-tests/target/dashboard-screenshots"));
        try (var old = Files.newDirectoryStream(screenshots, "*.png")) {
            for (Path file : old) {
                Files.delete(file);
            }
        }
        browser = chromium();
        wait = new WebDriverWait(browser, PATIENCE, Duration.ofMillis(100));
        // the page re-renders what changed: an element found a moment ago may be gone, so look again
        wait.ignoring(StaleElementReferenceException.class);
    }

    /** Headless Chromium with the flags a closed network needs, its own empty profile, no download of anything. */
    private static ChromeDriver chromium() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--no-first-run", "--lang=en-US", "--window-size=1280,800",
                "--user-data-dir=" + Files.createTempDirectory("zhiyue-chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    @Order(1)
    void aTeacherSignsInWithALoginLinkAndCreatesAnExamWithQuestions() {
        browser.get(base + "#token=" + LocalIdentity.token(TEACHER, Set.of("teacher", "admin", "platform-admin")));
        assertThat(visible("who").getText()).contains(TEACHER).contains("admin");
        assertThat(browser.getCurrentUrl()).as("the token leaves the address bar").doesNotContain("token=");
        screenshot("exams");

        WebElement create = visible("create-exam");
        create.findElement(By.name("title")).sendKeys("期中考试 browser " + UUID.randomUUID().toString().substring(0, 6));
        create.findElement(By.name("subject")).sendKeys("生物");
        create.findElement(By.cssSelector("button")).click();
        wait.until(ExpectedConditions.urlMatches("#/exams/[0-9a-f-]{36}$"));
        examId = browser.getCurrentUrl().replaceAll(".*#/exams/", "");

        // question 1: rule-based, one keyword point; question 2: AI with people, auto-accept off so answers wait
        addQuestion(form -> {
            form.findElement(By.name("maxScore")).sendKeys("2");
            form.findElement(By.name("prompt")).sendKeys("植物的能量从哪里来？");
            form.findElement(By.name("pid")).sendKeys("kw");
            form.findElement(By.name("ppoints")).sendKeys("2");
            form.findElement(By.name("pkeywords")).sendKeys("光合作用，阳光");
        });
        waitForRows("questions", 1);
        addQuestion(form -> {
            form.findElement(By.name("maxScore")).sendKeys("3");
            form.findElement(By.name("prompt")).sendKeys("简述光合作用的意义");
            form.findElement(By.name("referenceAnswer")).sendKeys("把光能转化为化学能，释放氧气");
            form.findElement(By.cssSelector("select[name=mode] option[value=ai]")).click();
            form.findElement(By.name("autoAccept")).click();
        });
        waitForRows("questions", 2);
        JsonNode questions = api.getJson("exams/" + examId + "/questions").path("items");
        assertThat(questions.get(1).path("marking").path("mode").asText()).isEqualTo("ai");
        assertThat(questions.get(1).path("marking").path("autoAccept").path("enabled").asBoolean()).isFalse();
        assertThat(questions.get(0).path("rubric").path("points").get(0).path("match").path("anyOf"))
                .hasSize(2);
        screenshot("exam");
    }

    @Test
    @Order(2)
    void uploadsAnswersShowingTheRejectedRows() throws IOException {
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int i = 1; i <= 6; i++) {
            csv.append("S").append(i).append(",1,").append(i % 2 == 0 ? "光合作用" : "不知道").append('\n');
            csv.append("S").append(i).append(",2,").append(QUESTION_2.get(i - 1)).append('\n');
        }
        for (int i = 0; i < MARKED.size(); i++) {
            csv.append("T").append(i + 1).append(",2,").append(MARKED.get(i)).append('\n');
        }
        csv.append("S7,9,no such question\n");
        Path file = Files.writeString(Files.createTempFile("answers", ".csv"), csv);
        WebElement upload = visible("upload");
        upload.findElement(By.name("file")).sendKeys(file.toString());
        upload.findElement(By.cssSelector("button")).click();
        assertThat(visible("accepted").getText()).isEqualTo("17");
        assertThat(visible("rejected").getText()).isEqualTo("1");
        assertThat(waitForRows("rejects", 1).getFirst().getText()).startsWith("18").contains("question 9");
        screenshot("upload");
        // a teacher marked five answers of question 2 (the API's marks upload): the exemplar grader proposes for
        // the others from them, and a marker sees them as the nearest marked answers
        StringBuilder marks = new StringBuilder("student_id,question_number,score,marker_id\n");
        for (int i = 0; i < MARKED.size(); i++) {
            marks.append("T").append(i + 1).append(",2,").append(i < 3 ? 3 : 0).append(",teacher-li\n");
        }
        assertThat(api.uploadMarksCsv(examId, marks.toString()).accepted()).isEqualTo(MARKED.size());
    }

    @Test
    @Order(3)
    void aJobReachesOneHundredPercentLiveThroughADroppedSocket() {
        visible("create-job").click();
        wait.until(ExpectedConditions.urlMatches("#/jobs/[0-9a-f-]{36}$"));
        jobId = browser.getCurrentUrl().replaceAll(".*#/jobs/", "");
        wait.until(d -> "live".equals(visible("live-state").getText()));
        visible("job-start").click();
        wait.until(d -> "100 %".equals(visible("percent").getText()));
        wait.until(d -> "COMPLETED".equals(visible("job-state").getText()));
        String lastSeen = (String) js("return window.zhiyueLive.channels.get('job:" + jobId + "').lastId");
        assertThat(lastSeen).as("the last event id the page processed").matches("\\d+-\\d+");

        // the network drops: the page reconnects by itself and resumes its channel after the last id it saw
        // (every frame the page sends from now on is recorded)
        js("window.sentFrames = []; const send = WebSocket.prototype.send;"
                + "WebSocket.prototype.send = function (data) { window.sentFrames.push(data); return send.call(this, data); };"
                + "window.zhiyueLive.drop()");
        String resumed = wait.until(d -> (String) js("return window.sentFrames.find(f => JSON.parse(f).channel === 'job:"
                + jobId + "') || null"));
        JsonNode subscribe = JsonCodec.read(resumed, JsonNode.class);
        assertThat(subscribe.path("type").asText()).isEqualTo("SUBSCRIBE");
        assertThat(subscribe.path("lastEventId").asText()).as("resumed after the last id seen").isEqualTo(lastSeen);
        wait.until(d -> "live".equals(visible("live-state").getText()));
        assertThat(visible("count-graded").getText()).isEqualTo("11");
        assertThat(visible("count-pendingReview").getText()).isEqualTo("6");
        assertThat(((Number) js("return document.querySelector('[data-testid=progress]').value")).doubleValue())
                .isEqualTo(100.0);
        wait.until(d -> "6".equals(visible("stat-count-1").getText()));
        screenshot("job");
    }

    @Test
    @Order(4)
    void twoReviewItemsMarkedWithTheKeyboardChangeTheQualityFigures() {
        browser.get(base + "#/exams/" + examId + "/quality");
        assertThat(visible("quality-count-2").getText()).isEqualTo("5");
        assertThat(visible("quality-pending").getText()).isEqualTo("6");
        screenshot("quality-before");

        browser.get(base + "#/exams/" + examId + "/mark");
        String first = visible("answer").getText();
        assertThat(QUESTION_2).contains(first);
        // not blind: the exemplar grader's proposal and the three teacher-marked answers most like this one
        assertThat(visible("proposal").getText()).contains("exemplar-knn");
        wait.until(d -> d.findElements(By.cssSelector("[data-testid=exemplars] li")).size() == 3);
        assertThat(browser.findElements(By.cssSelector("[data-testid=exemplars] li")))
                .allSatisfy(exemplar -> assertThat(MARKED.stream().anyMatch(exemplar.getText()::contains)).isTrue());
        new Actions(browser).sendKeys("2").sendKeys(Keys.ENTER).perform();
        wait.until(d -> !first.equals(visible("answer").getText()));
        screenshot("marking");
        String second = visible("answer").getText();
        new Actions(browser).sendKeys("3").sendKeys(Keys.ENTER).perform();
        wait.until(d -> !second.equals(visible("answer").getText()));

        browser.get(base + "#/exams/" + examId + "/quality");
        wait.until(d -> "7".equals(visible("quality-count-2").getText()));
        assertThat(visible("quality-pending").getText()).isEqualTo("4");
        JsonNode me = null;
        for (JsonNode marker : api.getJson("exams/" + examId + "/markers/quality").path("markers")) {
            if (marker.path("markerId").asText().equals(TEACHER)) {
                me = marker;
            }
        }
        assertThat(me).as("the marker's figures").isNotNull();
        assertThat(me.path("reviewMarks").asInt()).isEqualTo(2);
        assertThat(visible("marks-" + TEACHER).getText())
                .isEqualTo(String.valueOf(me.path("reviewMarks").asInt() + me.path("teacherMarks").asInt()));
        JsonNode marked = api.getJson("grading-jobs/" + jobId + "/statistics").path("questions").get(1);
        assertThat(marked.path("count").asInt()).isEqualTo(7);
        screenshot("quality-after");
    }

    @Test
    @Order(5)
    void aScoreOverrideRunsItsSagaAndTheResultShowsTheNewScore() {
        browser.get(base + "#/jobs/" + jobId);
        String meanBefore = visible("stat-mean-1").getText();
        WebElement row = wait.until(d -> resultRow("S2", "1"));
        assertThat(row.findElement(By.cssSelector("[data-testid=score]")).getText()).isEqualTo("2");
        row.findElement(By.cssSelector("[data-testid=override]")).click();
        WebElement form = row.findElement(By.cssSelector("[data-testid=override-form]"));
        form.findElement(By.name("score")).sendKeys("1");
        form.findElement(By.name("reason")).sendKeys("答案不完整");
        form.findElement(By.cssSelector("button")).click();
        Matcher started = Pattern.compile("saga ([0-9a-f-]{36})").matcher(visible("message").getText());
        assertThat(started.find()).as("the override names its saga").isTrue();
        sagaId = started.group(1);
        wait.until(d -> "1".equals(resultRow("S2", "1").findElement(By.cssSelector("[data-testid=score]")).getText()));
        // the statistics follow: one score of question 1 is a point lower, the count the same
        String meanAfter = api.getJson("grading-jobs/" + jobId + "/statistics").path("questions").get(0).path("mean")
                .decimalValue().setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        assertThat(meanAfter).isNotEqualTo(meanBefore);
        wait.until(d -> visible("stat-mean-1").getText().equals(meanAfter));
        assertThat(visible("stat-count-1").getText()).isEqualTo("6");
        screenshot("override");
    }

    @Test
    @Order(6)
    void anOperatorSeesTheSagaStepsATraceWaterfallAndSystemStatus() throws Exception {
        browser.get(base + "#/ops");
        waitForRows("sagas", 1).stream().map(row -> row.findElement(By.cssSelector("a")))
                .filter(link -> link.getAttribute("href").endsWith(sagaId)).findFirst()
                .orElseThrow(() -> new AssertionError("saga " + sagaId + " is not listed")).click();
        wait.until(d -> "COMPLETED".equals(visible("saga-state").getText()));
        assertThat(waitForRows("saga-steps", 2)).allSatisfy(step -> assertThat(step.getText()).contains("DONE"));
        screenshot("saga");

        String trace = TracingEndToEndIT.hex(16);
        assertThat(tracedRead("exams/" + examId, trace)).isEqualTo(200);
        // the spans reach tracing-service in the exporters' next batch
        wait.until(d -> api.call("GET", "traces/" + trace, null).statusCode() == 200);
        browser.get(base + "#/ops");
        WebElement search = visible("trace-search");
        search.findElement(By.name("traceId")).sendKeys(trace);
        search.findElement(By.cssSelector("button")).click();
        visible("waterfall");
        assertThat(visible("trace-summary").getText()).contains("api-gateway").contains("grading-service");
        screenshot("trace");
        browser.get(base + "#/ops");
        visible("system-events");
    }

    @Test
    @Order(7)
    void theUiSpeaksChineseAndFitsATablet() {
        browser.get(base + "#/exams/" + examId);
        visible("lang").click();
        wait.until(d -> browser.findElement(By.cssSelector("header nav a")).getText().equals("考试"));
        assertThat(visible("create-job").getText()).isEqualTo("新建阅卷任务");
        for (Dimension size : List.of(new Dimension(1280, 800), new Dimension(820, 1180))) {
            browser.manage().window().setSize(size);
            browser.navigate().refresh();
            visible("questions");
            long overflow = (Long) js(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(overflow).as("horizontal overflow at %s", size).isLessThanOrEqualTo(0);
            screenshot("exam-zh-" + size.width + "x" + size.height);
        }
        visible("lang").click();
        browser.manage().window().setSize(new Dimension(1280, 800));
        assertThat(consoleErrors()).as("the browser's console (CSP violations, failed loads, script errors)").isEmpty();
    }

    private static void addQuestion(java.util.function.Consumer<WebElement> fill) {
        WebElement form = visible("add-question");
        fill.accept(form);
        form.findElement(By.cssSelector("button[type=submit]")).click();
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static WebElement resultRow(String student, String question) {
        return browser.findElements(By.cssSelector("[data-testid=results] tbody tr")).stream()
                .filter(row -> {
                    List<WebElement> cells = row.findElements(By.tagName("td"));
                    return cells.size() > 2 && cells.get(0).getText().equals(student)
                            && cells.get(1).getText().equals(question);
                })
                .findFirst().orElse(null);
    }

    private static WebElement visible(String testId) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='" + testId + "']")));
    }

    private static List<WebElement> waitForRows(String table, int atLeast) {
        return wait.until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("[data-testid='" + table + "'] tbody tr"));
            return rows.size() >= atLeast ? rows : null;
        });
    }

    private static List<String> consoleErrors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                // a saga starts through grading-service's outbox: the page asks for it until it exists (404 first)
                .filter(message -> !(message.contains("/api/v1/sagas/" + sagaId) && message.contains("404")))
                .toList();
    }

    private static void screenshot(String name) {
        try {
            Path file = screenshots.resolve("%02d-%s.png".formatted(++shot, name));
            Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new IllegalStateException("could not save a screenshot", e);
        }
    }

    /** A read through the gateway carrying a W3C traceparent of ours, so its trace id is known. */
    private static int tracedRead(String path, String trace) throws Exception {
        HttpRequest request = api.authorize(HttpRequest.newBuilder(api.base().resolve("/api/v1/" + path)))
                .header("traceparent", "00-" + trace + "-" + TracingEndToEndIT.hex(8) + "-01").GET().build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }
}
