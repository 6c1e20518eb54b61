package io.zhiyue.nativesources;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every type Jackson reads outside REST is registered for reflection in each service's native
 * build (the runner jar the nested native-sources build wrote): the types named in Jackson reads in
 * the service's and the shared libraries' sources, and every record of shared-model (event payloads,
 * which services read through a type known only at run time).
 * A type missing there would fail only in the native image, at its first use in production.
 */
class ReflectionRegistrationIT {

    private static final Path ROOT = Path.of(System.getProperty("zhiyue.root", ".."));

    private static final Pattern RECORD = Pattern.compile("\\brecord\\s+([A-Z]\\w*)");
    /** Records of shared-model that never meet Jackson (a Redis stream id). */
    private static final Set<String> NOT_SERIALISED = Set.of("io.zhiyue.shared.stream.StreamId");

    @ParameterizedTest
    @ValueSource(strings = {"api-gateway", "grading-service", "cache-service", "saga-service", "tracing-service",
            "checkpoint-service"})
    void everyTypeJacksonReadsIsRegistered(String service) {
        Set<String> read = new TreeSet<>();
        for (String module : new String[] {service, "shared-model", "shared-streams"}) {
            read.addAll(JacksonReads.in(ROOT.resolve(module).resolve("src/main/java")));
        }
        read.addAll(sharedModelRecords());

        Set<String> missing = ReflectConfig.of(runnerJar(service)).missing(read);

        assertThat(missing).as("%s: types Jackson reads outside REST without @RegisterForReflection", service)
                .isEmpty();
    }

    /** Every record of shared-model: events and API payloads, written and read as JSON by every service. */
    private static Set<String> sharedModelRecords() {
        Path sources = ROOT.resolve("shared-model/src/main/java");
        Set<String> records = new TreeSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                String source = Files.readString(file);
                String top = file.getFileName().toString().replace(".java", "");
                String pkg = sources.relativize(file.getParent()).toString().replace('/', '.');
                Matcher declared = RECORD.matcher(source);
                while (declared.find()) {
                    String name = declared.group(1);
                    records.add(pkg + "." + (name.equals(top) ? top : top + "$" + name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        records.removeAll(NOT_SERIALISED);
        return records;
    }

    private static Path runnerJar(String service) {
        Path dir = ROOT.resolve(service).resolve("target/native-sources");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no runner jar in " + dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
