package io.zhiyue.nativesources;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every type a service hands to Jackson outside REST signatures is registered for reflection in its
 * native build (the runner jar the nested native-sources build wrote): the types its own and the shared
 * libraries' sources name in Jackson reads ({@link JacksonReads}), every record of shared-model (the
 * events and payloads services exchange, read through a type known only at run time), the service's
 * {@link ListedJsonTypes}, and every project type those hold ({@link ReachableTypes}, over the classes
 * of that runner jar). A type missing there would fail only in the native image, at its first use in
 * production.
 */
class ReflectionRegistrationIT {

    private static final Path ROOT = Path.of(System.getProperty("zhiyue.root", ".."));
    private static final String PROJECT = "io.zhiyue.";

    private static final Pattern RECORD = Pattern.compile("\\brecord\\s+([A-Z]\\w*)");
    /** Records of shared-model that never meet Jackson (a Redis stream id). */
    private static final Set<String> NOT_SERIALISED = Set.of("io.zhiyue.shared.stream.StreamId");

    static Set<String> services() {
        return ListedJsonTypes.services();
    }

    @ParameterizedTest
    @MethodSource("services")
    void everyTypeJacksonMeetsOutsideRestIsRegistered(String service) throws IOException {
        Set<String> roots = new TreeSet<>();
        for (String module : new String[] {service, "shared-model", "shared-streams"}) {
            roots.addAll(JacksonReads.in(ROOT.resolve(module).resolve("src/main/java")));
        }
        roots.addAll(sharedModelRecords());
        roots.addAll(ListedJsonTypes.of(service));
        Path runnerJar = runnerJar(service);

        ReachableTypes reachable;
        try (URLClassLoader classes = classesOf(runnerJar)) {
            reachable = ReachableTypes.from(roots, classes, PROJECT);
        }
        Set<String> missing = ReflectConfig.of(runnerJar).missing(reachable.types());

        assertThat(reachable.absent()).as("%s: listed or read types that are no class of its build", service)
                .isEmpty();
        assertThat(missing.stream().map(type -> type + " (via " + reachable.reachedFrom().get(type) + ")").toList())
                .as("%s: types Jackson meets outside REST without @RegisterForReflection", service)
                .isEmpty();
    }

    /** Every record of shared-model: events and API payloads, written and read as JSON by every service. */
    private static Set<String> sharedModelRecords() {
        Path sources = ROOT.resolve("shared-model/src/main/java");
        Set<String> records = new TreeSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                String source = JacksonReads.withoutCommentsAndLiterals(Files.readString(file));
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

    /** The service's classes as its native build saw them: the runner jar and its lib/ (shared libraries included). */
    private static URLClassLoader classesOf(Path runnerJar) throws IOException {
        List<URL> jars = new ArrayList<>();
        jars.add(url(runnerJar));
        try (Stream<Path> lib = Files.walk(runnerJar.resolveSibling("lib"))) {
            for (Path jar : (Iterable<Path>) lib.filter(f -> f.toString().endsWith(".jar")).sorted()::iterator) {
                jars.add(url(jar));
            }
        }
        return new URLClassLoader(jars.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
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
