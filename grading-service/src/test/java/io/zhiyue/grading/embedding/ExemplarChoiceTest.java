package io.zhiyue.grading.embedding;

import io.zhiyue.grading.embedding.ExemplarChoice.Medoid;
import io.zhiyue.grading.embedding.ExemplarChoice.Point;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExemplarChoiceTest {

    /** Three kinds of answers around three axes: 10, 5 and 2 of them; each kind's first point is its centre. */
    private static List<Point> threeKinds() {
        List<Point> points = new ArrayList<>();
        addKind(points, 0, 10);
        addKind(points, 1, 5);
        addKind(points, 2, 2);
        return points;
    }

    private static void addKind(List<Point> points, int axis, int size) {
        for (int i = 0; i < size; i++) {
            float[] vector = new float[3];
            vector[axis] = 1;
            // the centre first, then points leaning a little towards the next axis, both ways
            vector[(axis + 1) % 3] = i == 0 ? 0 : (i % 2 == 0 ? 0.1f : -0.1f) * ((i + 1) / 2);
            points.add(new Point(unit(vector), 1));
        }
    }

    @Test
    void oneMedoidPerKindBiggestFirstEachTheCentreOfItsKind() {
        List<Medoid> medoids = ExemplarChoice.medoids(threeKinds(), 3);
        assertThat(medoids).extracting(Medoid::point).containsExactly(0, 10, 15);
        assertThat(medoids).extracting(Medoid::clusterWeight).containsExactly(10, 5, 2);
    }

    @Test
    void weightsCountAsManyAnswers() {
        List<Point> points = new ArrayList<>(threeKinds());
        // the third kind is written by 40 students: its cluster is the biggest
        points.set(15, new Point(points.get(15).vector(), 39));
        List<Medoid> medoids = ExemplarChoice.medoids(points, 3);
        assertThat(medoids.get(0).point()).isEqualTo(15);
        assertThat(medoids.get(0).clusterWeight()).isEqualTo(40);
    }

    @Test
    void neverMoreThanThereAreAnswersAndNothingFromNothing() {
        assertThat(ExemplarChoice.medoids(threeKinds(), 100)).hasSize(17);
        assertThat(ExemplarChoice.medoids(threeKinds(), 100)).extracting(Medoid::point).doesNotHaveDuplicates();
        assertThat(ExemplarChoice.medoids(List.of(), 5)).isEmpty();
        assertThat(ExemplarChoice.medoids(threeKinds(), 0)).isEmpty();
    }

    private static float[] unit(float[] vector) {
        double norm = 0;
        for (float value : vector) {
            norm += value * value;
        }
        for (int i = 0; i < vector.length; i++) {
            vector[i] /= (float) Math.sqrt(norm);
        }
        return vector;
    }
}
