package io.zhiyue.e2e.driver;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Deterministic answers of a big class to one Chinese short-answer question (how photosynthesis
 * converts energy), as the exemplar grader meets them: three kinds a teacher scores 4, 2 and 0,
 * each written in several wordings with words and a number that vary. Short answers repeat a
 * lot, so every choice is skewed towards its first options (weight 1/rank): a few texts are
 * written by hundreds of students, most by one or a handful, and N answers hold a few thousand
 * distinct texts. The same count and seed always give the same answers, so runs compare.
 *
 * <p>The wrong kind includes the conversion backwards ("化学能转化为光能"): it shares every keyword
 * with a right answer, which the rule-based baseline cannot tell apart and the exemplar grader
 * must learn from the teacher's marks.
 */
final class SampleShortAnswers {

    static final String PROMPT = "光合作用中能量是怎样转化的？转化后的能量储存在哪里？";
    static final String REFERENCE = "光合作用把光能转化为化学能，储存在有机物中。";

    /** A kind of answer and the score a teacher gives it. */
    enum Kind {
        RIGHT(4), PARTIAL(2), WRONG(0);

        final int teacherScore;

        Kind(int teacherScore) {
            this.teacherScore = teacherScore;
        }
    }

    /** One student's answer. */
    record Answer(String studentId, Kind kind, String text) {
    }

    /** Wordings per kind; {s} a subject, {v} a verb of change, {p} a product. */
    private static final List<List<String>> WORDINGS = List.of(
            List.of("光能{v}化学能，储存在{p}中",
                    "{s}把光能{v}化学能，储存在{p}里",
                    "光合作用将光能{v}化学能并储存在{p}中",
                    "{s}吸收光能，{v}{p}中的化学能",
                    "把太阳的光能{v}化学能，贮存在{p}里",
                    "光能→化学能，储存在{p}中"),
            List.of("光能{v}化学能，储存在叶绿体中",
                    "{s}把光能{v}热能，储存在{p}中",
                    "{s}吸收的光能储存在{p}里",
                    "把太阳能储存到{p}中",
                    "化学能储存在{p}中"),
            List.of("化学能{v}光能，储存在{p}中",
                    "{s}通过呼吸作用分解{p}释放能量",
                    "把二氧化碳{v}氧气",
                    "热能{v}化学能",
                    "光合作用消耗{p}，释放出能量"));
    private static final double[] KIND_SHARE = {0.55, 0.25, 0.20};
    private static final List<String> SUBJECTS = List.of("植物", "绿色植物", "叶片", "叶绿体", "叶肉细胞");
    private static final List<String> VERBS = List.of("转化为", "转变为", "转化成", "变成");
    private static final List<String> PRODUCTS = List.of("有机物", "淀粉", "葡萄糖", "糖类");
    private static final List<String> ENDINGS = List.of("", "。", "！");
    /** A share of the students add a figure they remember; its value is the numeric variation. */
    private static final double ADDS_EFFICIENCY = 0.3;
    private static final int EFFICIENCY_VALUES = 12;

    private final List<Answer> answers;
    private final int distinct;

    private SampleShortAnswers(List<Answer> answers) {
        this.answers = List.copyOf(answers);
        Set<String> texts = new HashSet<>();
        answers.forEach(answer -> texts.add(answer.text()));
        this.distinct = texts.size();
    }

    static SampleShortAnswers generate(int count, long seed) {
        Random random = new Random(seed);
        List<Answer> answers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Kind kind = Kind.values()[share(random, KIND_SHARE)];
            String text = pick(random, WORDINGS.get(kind.ordinal()))
                    .replace("{s}", pick(random, SUBJECTS))
                    .replace("{v}", pick(random, VERBS))
                    .replace("{p}", pick(random, PRODUCTS));
            if (random.nextDouble() < ADDS_EFFICIENCY) {
                text += String.format(Locale.ROOT, "，光能利用率约%d%%", 1 + rank(random, EFFICIENCY_VALUES));
            }
            answers.add(new Answer(String.format(Locale.ROOT, "A%05d", i + 1), kind, text + pick(random, ENDINGS)));
        }
        return new SampleShortAnswers(answers);
    }

    List<Answer> answers() {
        return answers;
    }

    int size() {
        return answers.size();
    }

    /** Distinct texts among the answers. */
    int distinct() {
        return distinct;
    }

    /** The answers as uploads of at most {@code rowsPerChunk} rows of {@code student_id,question_number,answer}. */
    List<String> submissionChunks(int questionNumber, int rowsPerChunk) {
        List<String> chunks = new ArrayList<>();
        for (int from = 0; from < answers.size(); from += rowsPerChunk) {
            StringBuilder chunk = new StringBuilder(Csv.row("student_id", "question_number", "answer"));
            for (Answer answer : answers.subList(from, Math.min(answers.size(), from + rowsPerChunk))) {
                chunk.append(Csv.row(answer.studentId(), Integer.toString(questionNumber), answer.text()));
            }
            chunks.add(chunk.toString());
        }
        return chunks;
    }

    /**
     * A teacher's marks of the first {@code count} students ({@code student_id,question_number,score,marker_id}):
     * the students come in no particular order, so that is a random sample of the class.
     */
    String teacherMarks(int questionNumber, int count, String markerId) {
        StringBuilder csv = new StringBuilder(Csv.row("student_id", "question_number", "score", "marker_id"));
        for (Answer answer : answers.subList(0, count)) {
            csv.append(Csv.row(answer.studentId(), Integer.toString(questionNumber),
                    Integer.toString(answer.kind().teacherScore), markerId));
        }
        return csv.toString();
    }

    /** An option with weight 1/rank: the first is written most, the last least. */
    private static String pick(Random random, List<String> options) {
        return options.get(rank(random, options.size()));
    }

    private static int rank(Random random, int options) {
        double total = 0;
        for (int i = 1; i <= options; i++) {
            total += 1.0 / i;
        }
        double draw = random.nextDouble() * total;
        for (int i = 1; i <= options; i++) {
            draw -= 1.0 / i;
            if (draw < 0) {
                return i - 1;
            }
        }
        return options - 1;
    }

    private static int share(Random random, double[] shares) {
        double draw = random.nextDouble();
        for (int i = 0; i < shares.length; i++) {
            draw -= shares[i];
            if (draw < 0) {
                return i;
            }
        }
        return shares.length - 1;
    }
}
