package io.zhiyue.grading.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The in-process embedding model: bge-small-zh-v1.5, int8, from the jar
 * {@code langchain4j-embeddings-bge-small-zh-v15-q} (model and tokenizer files ship in it; nothing is
 * downloaded). It loads once per process, at first use; embedding runs on one thread of its own with
 * a one-thread ONNX session, so it takes at most one core while jobs grade beside it, never the
 * event loop. Texts are embedded in batches of similar length (little padding); each vector is
 * the [CLS] token's last hidden state, L2-normalised, as the model is meant to be used.
 *
 * <p>Why not LangChain4j's {@code BgeSmallZhV15QuantizedEmbeddingModel} itself: it runs one text
 * per ONNX call on a session that uses every core. Measured here on one thread: 220 texts/s of
 * 27 characters and 66/s of 108 through it, 390/s and 84/s batched through the same model files.
 * Its vectors and these agree (cosine 1.0 on the same text).
 */
@ApplicationScoped
public class AnswerEmbedder {

    /** Names the model with every stored vector, so a later model never mixes with this one's. */
    public static final String MODEL = "bge-small-zh-v1.5-q";
    public static final int DIMENSION = 512;
    private static final String MODEL_FILE = "/bge-small-zh-v1.5-q.onnx";
    private static final String TOKENIZER_FILE = "/bge-small-zh-v1.5-q-tokenizer.json";
    /** Texts per ONNX call: larger batches pad more than they save on answers of mixed length. */
    private static final int BATCH = 16;

    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread embedder = new Thread(runnable, "answer-embedder");
        embedder.setDaemon(true);
        return embedder;
    });
    private final AtomicInteger loads = new AtomicInteger();
    /** Touched only on the embedder thread. */
    private Model model;

    /** The texts' vectors, in their order; off the caller's thread. */
    public Uni<List<float[]>> embed(List<String> texts) {
        if (texts.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> copy = List.copyOf(texts);
        return Uni.createFrom().completionStage(() -> CompletableFuture.supplyAsync(() -> embedNow(copy), thread));
    }

    /** How often the model was loaded in this process (once, or not yet). */
    public int loads() {
        return loads.get();
    }

    private List<float[]> embedNow(List<String> texts) {
        Model loaded = model();
        int[] order = IntStream.range(0, texts.size()).boxed()
                .sorted(Comparator.comparingInt(i -> texts.get(i).length())).mapToInt(Integer::intValue).toArray();
        float[][] vectors = new float[texts.size()][];
        for (int from = 0; from < order.length; from += BATCH) {
            int[] batch = Arrays.copyOfRange(order, from, Math.min(order.length, from + BATCH));
            List<String> batchTexts = new ArrayList<>(batch.length);
            for (int index : batch) {
                batchTexts.add(texts.get(index));
            }
            List<float[]> embedded = loaded.embed(batchTexts);
            for (int i = 0; i < batch.length; i++) {
                vectors[batch[i]] = embedded.get(i);
            }
        }
        return Arrays.asList(vectors);
    }

    private Model model() {
        if (model == null) {
            long started = System.nanoTime();
            model = Model.load();
            loads.incrementAndGet();
            Log.infof("embedding model %s loaded in %d ms", MODEL, (System.nanoTime() - started) / 1_000_000);
        }
        return model;
    }

    @PreDestroy
    void close() {
        thread.shutdownNow();
    }

    /** The ONNX session (one intra-op thread) and the tokenizer, both from the jar. */
    private record Model(OrtEnvironment environment, OrtSession session, HuggingFaceTokenizer tokenizer) {

        static Model load() {
            try (InputStream modelFile = resource(MODEL_FILE); InputStream tokenizerFile = resource(TOKENIZER_FILE)) {
                OrtEnvironment environment = OrtEnvironment.getEnvironment();
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                options.setIntraOpNumThreads(1);
                options.setInterOpNumThreads(1);
                OrtSession session = environment.createSession(modelFile.readAllBytes(), options);
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile,
                        Map.of("padding", "true", "truncation", "true", "maxLength", "512"));
                return new Model(environment, session, tokenizer);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the embedding model from the jar", e);
            } catch (OrtException e) {
                throw new IllegalStateException("cannot load the embedding model", e);
            }
        }

        private static InputStream resource(String name) {
            InputStream stream = AnswerEmbedder.class.getResourceAsStream(name);
            if (stream == null) {
                throw new IllegalStateException("the embedding model file " + name + " is not on the class path");
            }
            return stream;
        }

        List<float[]> embed(List<String> texts) {
            Encoding[] encodings = tokenizer.batchEncode(texts);
            long[][] ids = new long[encodings.length][];
            long[][] mask = new long[encodings.length][];
            long[][] types = new long[encodings.length][];
            for (int i = 0; i < encodings.length; i++) {
                ids[i] = encodings[i].getIds();
                mask[i] = encodings[i].getAttentionMask();
                types[i] = new long[ids[i].length];
            }
            try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, ids);
                    OnnxTensor attention = OnnxTensor.createTensor(environment, mask);
                    OnnxTensor typeIds = OnnxTensor.createTensor(environment, types);
                    OrtSession.Result result = session.run(Map.of("input_ids", inputIds, "attention_mask", attention,
                            "token_type_ids", typeIds))) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                List<float[]> vectors = new ArrayList<>(texts.size());
                for (float[][] sequence : hidden) {
                    vectors.add(normalised(sequence[0]));
                }
                return vectors;
            } catch (OrtException e) {
                throw new IllegalStateException("embedding failed", e);
            }
        }

        private static float[] normalised(float[] cls) {
            double norm = 0;
            for (float value : cls) {
                norm += value * value;
            }
            float[] vector = cls.clone();
            float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < vector.length; i++) {
                vector[i] *= scale;
            }
            return vector;
        }
    }
}
