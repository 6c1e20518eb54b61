package io.zhiyue.grading.evaluation;

import io.zhiyue.grading.embedding.ExemplarChoice;
import io.zhiyue.grading.evaluation.EvaluationFigures.Scored;
import io.zhiyue.grading.evaluation.LabelledSet.Answer;
import io.zhiyue.grading.evaluation.LabelledSet.Question;
import io.zhiyue.grading.grader.ExemplarGrader;
import io.zhiyue.grading.grader.TextNormalizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The exemplar grader against plain weighted k-NN ({@link PlainKnn}) on the labelled set, as a
 * teacher would use it: per question {@value #MARKED_PERCENT} % of the answers are marked, chosen as
 * the exemplar suggestions choose them (medoids of the distinct normalised answers, weighted by
 * how many wrote each), and both graders propose for the rest. The exemplar grader is also run on a
 * random sample of the same size, which is what the suggestions are for.
 */
final class ExemplarEvaluation {

    static final int MARKED_PERCENT = 20;
    /** The default {@code marking.autoAccept.minConfidence}. */
    static final double MIN_CONFIDENCE = 0.9;

    /** The figures of the three ways on one question. */
    record Row(Question question, int answers, int marked, EvaluationFigures exemplar, EvaluationFigures baseline,
            EvaluationFigures randomSample) {
    }

    private ExemplarEvaluation() {
    }

    /** {@code embed}: unit vectors of normalised texts, in their order. */
    static List<Row> run(LabelledSet set, Function<List<String>, List<float[]>> embed) {
        return run(set, embed, ExemplarGrader.DEFAULT, MARKED_PERCENT);
    }

    /** The same with other grader settings or another share of marked answers, for the sweep. */
    static List<Row> run(LabelledSet set, Function<List<String>, List<float[]>> embed, ExemplarGrader.Settings settings,
            int markedPercent) {
        List<Row> rows = new ArrayList<>();
        for (Question question : set.questions()) {
            List<Answer> answers = set.answersTo(question);
            List<String> texts = answers.stream().map(answer -> TextNormalizer.normalize(answer.text())).toList();
            Map<String, Integer> weights = new LinkedHashMap<>();
            texts.forEach(text -> weights.merge(text, 1, Integer::sum));
            List<String> distinct = new ArrayList<>(weights.keySet());
            List<float[]> distinctVectors = embed.apply(distinct);
            Map<String, float[]> byText = new HashMap<>();
            for (int i = 0; i < distinct.size(); i++) {
                byText.put(distinct.get(i), distinctVectors.get(i));
            }
            List<float[]> vectors = texts.stream().map(byText::get).toList();
            int count = Math.max(ExemplarGrader.MIN_EXEMPLARS, Math.round(answers.size() * markedPercent / 100f));

            List<ExemplarChoice.Point> points = distinct.stream()
                    .map(text -> new ExemplarChoice.Point(byText.get(text), weights.get(text))).toList();
            boolean[] medoid = new boolean[answers.size()];
            for (ExemplarChoice.Medoid chosen : ExemplarChoice.medoids(points, count)) {
                // the first answer with the medoid's text is the one the teacher marks
                medoid[texts.indexOf(distinct.get(chosen.point()))] = true;
            }
            boolean[] random = new boolean[answers.size()];
            Random draw = new Random(question.id().hashCode());
            for (int taken = 0; taken < count; ) {
                int i = draw.nextInt(answers.size());
                if (!random[i]) {
                    random[i] = true;
                    taken++;
                }
            }
            int marked = 0;
            for (boolean chosen : medoid) {
                marked += chosen ? 1 : 0;
            }
            rows.add(new Row(question, answers.size(), marked,
                    exemplarGrader(question, answers, vectors, medoid, settings),
                    plainKnn(question, answers, vectors, medoid),
                    exemplarGrader(question, answers, vectors, random, settings)));
        }
        return rows;
    }

    private static EvaluationFigures exemplarGrader(Question question, List<Answer> answers, List<float[]> vectors,
            boolean[] marked, ExemplarGrader.Settings settings) {
        List<ExemplarGrader.Exemplar> exemplars = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            if (marked[i]) {
                exemplars.add(new ExemplarGrader.Exemplar(vectors.get(i), answers.get(i).score()));
            }
        }
        ExemplarGrader grader = ExemplarGrader.fit(exemplars, settings);
        List<Scored> scored = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            if (!marked[i]) {
                ExemplarGrader.Proposal proposal = grader.propose(vectors.get(i));
                // as stored: two decimals, rounded down
                scored.add(new Scored(answers.get(i).score(), proposal.score(),
                        Math.floor(proposal.confidence() * 100) / 100));
            }
        }
        return EvaluationFigures.of(scored, question.step(), MIN_CONFIDENCE);
    }

    private static EvaluationFigures plainKnn(Question question, List<Answer> answers, List<float[]> vectors,
            boolean[] marked) {
        List<float[]> markedVectors = new ArrayList<>();
        List<Double> markedScores = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            if (marked[i]) {
                markedVectors.add(vectors.get(i));
                markedScores.add(answers.get(i).score());
            }
        }
        PlainKnn knn = new PlainKnn(markedVectors, markedScores.stream().mapToDouble(Double::doubleValue).toArray(),
                question.step());
        List<Scored> scored = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            if (!marked[i]) {
                PlainKnn.Proposal proposal = knn.propose(vectors.get(i));
                scored.add(new Scored(answers.get(i).score(), proposal.score(), proposal.confidence()));
            }
        }
        return EvaluationFigures.of(scored, question.step(), MIN_CONFIDENCE);
    }

    /** The line of a table with the means of the per-question figures. */
    static String means(List<Row> rows) {
        return table(rows).lines().filter(line -> line.startsWith(MEANS)).findFirst().orElseThrow();
    }

    private static final String MEANS = "mean per question";

    /** The rows as a table, with the mean of the per-question figures last. */
    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-6s %4s %4s | %-38s | %-38s | %-38s%n", "q", "n", "mark",
                "exemplar grader (medoids)", "plain weighted k-NN (medoids)", "exemplar grader (random)"));
        out.append(String.format(Locale.ROOT, "%-6s %4s %4s | %s | %s | %s%n", "", "", "",
                header(), header(), header()));
        double[][] sums = new double[3][8];
        int[][] counts = new int[3][8];
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "%-6s %4d %4d | %s | %s | %s%n", row.question().id(), row.answers(),
                    row.marked(), cells(row.exemplar(), sums[0], counts[0]), cells(row.baseline(), sums[1], counts[1]),
                    cells(row.randomSample(), sums[2], counts[2])));
        }
        out.append(String.format(Locale.ROOT, "%-16s | %s | %s | %s%n", MEANS,
                means(sums[0], counts[0]), means(sums[1], counts[1]), means(sums[2], counts[2])));
        out.append("QWK per question; acc: auto-accepted share at minConfidence 0.9; accX, accA: exact and adjacent "
                + "agreement of those; t30, t50: exact agreement of the 30 % and 50 % most confident; exct: exact "
                + "agreement of all; conf: mean confidence\n");
        return out.toString();
    }

    private static String header() {
        return String.format(Locale.ROOT, "%5s %4s %4s %4s %4s %4s %4s %4s", "QWK", "acc", "accX", "accA", "t30", "t50",
                "exct", "conf");
    }

    private static String cells(EvaluationFigures figures, double[] sums, int[] counts) {
        Double[] values = {figures.kappa(), figures.autoAcceptRate(), figures.acceptedExact(),
                figures.acceptedAdjacent(), figures.top30Exact(), figures.top50Exact(), figures.exact(),
                figures.meanConfidence()};
        StringBuilder cells = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                sums[i] += values[i];
                counts[i]++;
            }
            cells.append(i == 0 ? "" : " ").append(format(values[i], i == 0 ? 5 : 4));
        }
        return cells.toString();
    }

    private static String means(double[] sums, int[] counts) {
        StringBuilder cells = new StringBuilder();
        for (int i = 0; i < sums.length; i++) {
            cells.append(i == 0 ? "" : " ").append(format(counts[i] == 0 ? null : sums[i] / counts[i], i == 0 ? 5 : 4));
        }
        return cells.toString();
    }

    private static String format(Double value, int width) {
        return value == null ? " ".repeat(width - 1) + "-" : String.format(Locale.ROOT, "%" + width + ".2f", value);
    }
}
