package io.zhiyue.e2e.driver;

import io.zhiyue.e2e.driver.Question.Match;
import io.zhiyue.e2e.driver.Question.Rubric;
import io.zhiyue.e2e.driver.Question.ScoringPoint;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A science exam of five questions (choice, numeric, Chinese keywords with a deduction, English
 * keywords with a deduction, bilingual short answer) and deterministic answers for N students.
 *
 * <p>The expected score of every answer comes from the answer plan, not from a grader: for each
 * scoring point the generator decides whether the student earns it and then writes a phrase that
 * does (a "hit") or a near miss that does not. Hits and misses are written so that no phrase
 * triggers another point, whatever the order. Some answers are then rendered in full-width
 * characters, upper case or with extra white space, which the grader must normalise away.
 */
public final class SampleExam {

    /** One CSV row and the score the rubric must give it. */
    public record Answer(String studentId, int questionNumber, String text, Set<String> earnedPoints,
                         BigDecimal expectedScore) {
    }

    private static final Map<Integer, String> KINDS = Map.of(
            1, "choice", 2, "numeric", 3, "keywords (中文)", 4, "keywords (English)", 5, "short answer");

    private final String title;
    private final String subject;
    private final List<Question> questions;
    private final List<Answer> answers;
    private final Map<String, Answer> byStudentAndQuestion;

    private SampleExam(String title, String subject, List<Question> questions, List<Answer> answers) {
        this.title = title;
        this.subject = subject;
        this.questions = List.copyOf(questions);
        this.answers = List.copyOf(answers);
        Map<String, Answer> index = new HashMap<>();
        for (Answer answer : answers) {
            index.put(key(answer.studentId(), answer.questionNumber()), answer);
        }
        this.byStudentAndQuestion = index;
    }

    /** The same {@code students} and {@code seed} always give the same exam and answers. */
    public static SampleExam generate(int students, long seed) {
        if (students < 1) {
            throw new IllegalArgumentException("students must be at least 1");
        }
        List<QuestionKit> kits = kits();
        Random random = new Random(seed);
        List<Answer> answers = new ArrayList<>(students * kits.size());
        for (int s = 1; s <= students; s++) {
            String studentId = String.format(Locale.ROOT, "S%05d", s);
            // a per-student ability makes the score distributions look like a real class
            double ability = 0.25 + 0.7 * random.nextDouble();
            for (QuestionKit kit : kits) {
                answers.add(kit.answer(studentId, ability, random));
            }
        }
        return new SampleExam("期中考试 Science midterm", "科学 Science",
                kits.stream().map(QuestionKit::question).toList(), answers);
    }

    public String title() {
        return title;
    }

    public String subject() {
        return subject;
    }

    public List<Question> questions() {
        return questions;
    }

    /** What kind of question {@code number} is, for people reading the demo's output. */
    public String kind(int number) {
        return KINDS.getOrDefault(number, "question");
    }

    public List<Answer> answers() {
        return answers;
    }

    public int size() {
        return answers.size();
    }

    public BigDecimal expectedScore(String studentId, int questionNumber) {
        Answer answer = byStudentAndQuestion.get(key(studentId, questionNumber));
        if (answer == null) {
            throw new IllegalArgumentException("no answer of " + studentId + " to question " + questionNumber);
        }
        return answer.expectedScore();
    }

    public List<BigDecimal> expectedScores(int questionNumber) {
        return answers.stream().filter(a -> a.questionNumber() == questionNumber).map(Answer::expectedScore).toList();
    }

    /** All answers as one upload: header {@code student_id,question_number,answer}, RFC 4180 quoting. */
    public String csv() {
        return csvChunks(Integer.MAX_VALUE).getFirst();
    }

    /** The answers split into uploads of at most {@code rowsPerChunk} rows, each with the header. */
    public List<String> csvChunks(int rowsPerChunk) {
        List<String> chunks = new ArrayList<>();
        StringBuilder chunk = null;
        int rows = 0;
        for (Answer answer : answers) {
            if (chunk == null || rows == rowsPerChunk) {
                if (chunk != null) {
                    chunks.add(chunk.toString());
                }
                chunk = new StringBuilder(Csv.row("student_id", "question_number", "answer"));
                rows = 0;
            }
            chunk.append(Csv.row(answer.studentId(), Integer.toString(answer.questionNumber()), answer.text()));
            rows++;
        }
        chunks.add(chunk.toString());
        return chunks;
    }

    private static String key(String studentId, int questionNumber) {
        return studentId + "#" + questionNumber;
    }

    // ---- the questions and how students answer them ----

    private static List<QuestionKit> kits() {
        return List.of(
                new QuestionKit(1,
                        "光合作用主要吸收哪种气体？Which gas do plants take in for photosynthesis? "
                                + "A) O2  B) CO2  C) N2  D) H2",
                        "2", "1", Layout.SINGLE,
                        List.of(new PointKit("choice-b", "选 B / chooses B", "2", Match.regex("\\b(b)\\b"),
                                List.of("B", "b", "答案：B", "(B)", "选 B"),
                                List.of("A", "C", "D", "c", "答案：D", "(A)"))),
                        List.of()),
                new QuestionKit(2,
                        "一辆汽车 2.5 小时行驶 150 km，平均速度是多少？"
                                + "A car travels 150 km in 2.5 hours. What is its average speed in km/h?",
                        "4", "0.5", Layout.IN_ORDER,
                        List.of(new PointKit("value", "速度 60 (±0.5)", "3", Match.numeric("60", "0.5"),
                                        List.of("60", "v = 150 ÷ 2.5 = 60", "59.5", "60.5", "60.4", "60.00",
                                                "平均速度为 60"),
                                        List.of("62", "58", "60.6", "59.4", "v = 150 × 2.5 = 375", "约 65")),
                                new PointKit("unit", "单位 km/h", "1", Match.anyOf("km/h", "公里每小时", "千米/时"),
                                        List.of("km/h", "公里每小时", "千米/时"),
                                        List.of("km", "公里", "m/s"))),
                        List.of("我算了一下")),
                new QuestionKit(3,
                        "简述光合作用的场所、能量来源、产物和总反应式。",
                        "6", "1", Layout.SHUFFLED,
                        List.of(new PointKit("site", "在叶绿体中利用光能", "2", Match.allOf("叶绿体", "光能"),
                                        List.of("在叶绿体中利用光能", "光能被叶绿体吸收", "叶绿体把光能转化为化学能"),
                                        List.of("在叶绿体中进行", "需要光能", "在线粒体中进行")),
                                new PointKit("products", "产物：氧气或有机物", "2", Match.anyOf("氧气", "葡萄糖", "有机物"),
                                        List.of("释放氧气", "生成葡萄糖", "产生有机物并放出氧气"),
                                        List.of("产生二氧化碳", "释放能量")),
                                new PointKit("equation", "总反应式 CO2 + H2O", "2", Match.regex("co2\\s*\\+\\s*\\d*\\s*h2o"),
                                        List.of("6CO2 + 6H2O → C6H12O6 + 6O2", "CO₂ + H₂O → (CH₂O) + O₂", "CO2+H2O"),
                                        List.of("6H2O + 6CO2 → C6H12O6 + 6O2")),
                                new PointKit("misconception", "错误：不需要光", "-1", Match.anyOf("不需要光", "夜晚也能进行"),
                                        List.of("光合作用不需要光", "夜晚也能进行"),
                                        List.of())),
                        List.of("这是植物重要的生理过程", "老师讲过这个", "绿色植物都能进行")),
                new QuestionKit(4,
                        "Why is the sky blue on a clear day? 为什么晴天的天空是蓝色的？",
                        "4", "0.5", Layout.SHUFFLED,
                        List.of(new PointKit("scattering", "names (Rayleigh) scattering", "2",
                                        Match.anyOf("rayleigh", "scattering"),
                                        List.of("Because of Rayleigh scattering", "air molecules cause \"scattering\" of light",
                                                "瑞利散射 (Rayleigh scattering)"),
                                        List.of("because of the air", "the atmosphere is blue")),
                                new PointKit("wavelength", "blue has a shorter wavelength", "1.5",
                                        Match.allOf("shorter", "wavelength"),
                                        List.of("blue light has a shorter wavelength", "Shorter wavelengths are affected more",
                                                "蓝光波长较短 (shorter wavelength)"),
                                        List.of("blue has a long wavelength", "blue light is shorter")),
                                new PointKit("sunlight", "sunlight holds every colour", "1",
                                        Match.anyOf("sunlight", "light from the sun"),
                                        List.of("sunlight contains all colours", "white light from the Sun, which mixes every colour"),
                                        List.of("light is white")),
                                new PointKit("ocean", "wrong: reflection of the ocean", "-1.5", Match.anyOf("reflect", "ocean"),
                                        List.of("the sky reflects the ocean", "it is the colour of the Ocean"),
                                        List.of())),
                        List.of("I think", "it's a classic question, honestly", "我觉得")),
                new QuestionKit(5,
                        "HTTP 状态码 404 和 409 分别表示什么？When should an API answer 409?",
                        "4", "1", Layout.SHUFFLED,
                        List.of(new PointKit("not-found", "404 = Not Found / 资源不存在", "1.5",
                                        Match.regex("404\\D{0,15}(not found|不存在|未找到)"),
                                        List.of("404 means Not Found", "404 表示资源不存在", "404: 未找到"),
                                        List.of("404 means server error", "404 表示服务器错误")),
                                new PointKit("conflict", "409 = Conflict / 冲突", "1.5",
                                        Match.regex("409\\D{0,15}(conflict|冲突)"),
                                        List.of("409 means Conflict", "409 表示冲突", "409 = conflict"),
                                        List.of("409 means the request was too large", "409 表示请求太大")),
                                new PointKit("state", "when the request clashes with the current state", "1.5",
                                        Match.anyOf("current state", "当前状态", "state of the resource"),
                                        List.of("when the change does not fit the current state", "请求与资源的当前状态不一致时",
                                                "if the state of the resource changed meanwhile"),
                                        List.of("when the server is busy", "when the request is slow"))),
                        List.of("HTTP is defined in RFC 9110", "这题我复习过")));
    }

    private enum Layout {
        /** exactly one phrase: the first point's hit or one of its misses */
        SINGLE,
        /** phrases in rubric order, joined by nothing or a space (a number, then its unit) */
        IN_ORDER,
        /** phrases in random order, joined by punctuation, sometimes a line break */
        SHUFFLED
    }

    private record PointKit(String id, String description, String points, Match match,
                            List<String> hits, List<String> misses) {

        boolean isDeduction() {
            return new BigDecimal(points).signum() < 0;
        }
    }

    private record QuestionKit(int number, String prompt, String maxScore, String scoreStep, Layout layout,
                               List<PointKit> points, List<String> fillers) {

        private static final List<String> SEPARATORS = List.of(", ", "，", "; ", "。", " ", " and ", "\n");

        Question question() {
            return new Question(number, prompt, new BigDecimal(maxScore), new BigDecimal(scoreStep),
                    new Rubric(points.stream()
                            .map(p -> new ScoringPoint(p.id(), p.description(), new BigDecimal(p.points()), p.match()))
                            .toList()));
        }

        Answer answer(String studentId, double ability, Random random) {
            Set<String> earned = new LinkedHashSet<>();
            List<String> phrases = new ArrayList<>();
            for (PointKit point : points) {
                if (point.isDeduction()) {
                    if (random.nextDouble() < (1 - ability) * 0.35) {
                        earned.add(point.id());
                        phrases.add(pick(point.hits(), random));
                    }
                } else if (random.nextDouble() < ability) {
                    earned.add(point.id());
                    phrases.add(pick(point.hits(), random));
                } else if (!point.misses().isEmpty() && (layout == Layout.SINGLE || random.nextBoolean())) {
                    phrases.add(pick(point.misses(), random));
                }
            }
            if (!fillers.isEmpty() && (phrases.isEmpty() || random.nextDouble() < 0.3)) {
                phrases.add(pick(fillers, random));
            }
            String text = switch (layout) {
                case SINGLE -> phrases.getFirst();
                case IN_ORDER -> String.join(random.nextBoolean() ? "" : " ", phrases);
                case SHUFFLED -> joinShuffled(phrases, random);
            };
            return new Answer(studentId, number, render(text, random), earned, expectedScore(earned));
        }

        /** Sum of earned points, clamped to [0, maxScore], rounded down to a multiple of the step. */
        BigDecimal expectedScore(Set<String> earned) {
            BigDecimal sum = points.stream()
                    .filter(p -> earned.contains(p.id()))
                    .map(p -> new BigDecimal(p.points()))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal max = new BigDecimal(maxScore);
            BigDecimal step = new BigDecimal(scoreStep);
            BigDecimal clamped = sum.max(BigDecimal.ZERO).min(max);
            return clamped.divide(step, 0, RoundingMode.FLOOR).multiply(step);
        }

        private static String joinShuffled(List<String> phrases, Random random) {
            List<String> shuffled = new ArrayList<>(phrases);
            Collections.shuffle(shuffled, random);
            StringBuilder text = new StringBuilder(shuffled.getFirst());
            for (int i = 1; i < shuffled.size(); i++) {
                // a line break inside a quoted CSV field is legal and happens with real uploads
                String separator = random.nextInt(12) == 0 ? "\n" : pick(SEPARATORS.subList(0, 6), random);
                text.append(separator).append(shuffled.get(i));
            }
            return text.toString();
        }

        /** How the student typed it: what the grader's normalisation must see through. */
        private static String render(String text, Random random) {
            int style = random.nextInt(100);
            if (style < 12) {
                return fullWidth(text);
            } else if (style < 22) {
                return text.toUpperCase(Locale.ROOT);
            } else if (style < 30) {
                return "  " + text.replace(" ", "  ") + " ";
            }
            return text;
        }

        private static String fullWidth(String text) {
            StringBuilder out = new StringBuilder(text.length());
            for (char c : text.toCharArray()) {
                if (c == ' ') {
                    out.append('\u3000');
                } else if (c >= '!' && c <= '~') {
                    out.append((char) (c + 0xFEE0));
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }

        private static String pick(List<String> options, Random random) {
            return options.get(random.nextInt(options.size()));
        }
    }
}
