package io.zhiyue.nativesources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The classes a native build registers for reflection with what Jackson needs of them (their
 * constructors and their methods or fields), read from the {@code reflect-config.json} Quarkus
 * writes into a {@code -Dquarkus.native.sources-only} runner jar.
 */
record ReflectConfig(Set<String> usable) {

    static final String ENTRY = "META-INF/native-image/reflect-config.json";

    static ReflectConfig of(Path runnerJar) {
        try (JarFile jar = new JarFile(runnerJar.toFile())) {
            ZipEntry entry = jar.getEntry(ENTRY);
            if (entry == null) {
                throw new IllegalStateException(runnerJar + " has no " + ENTRY);
            }
            try (InputStream in = jar.getInputStream(entry)) {
                return parse(new ObjectMapper().readTree(in));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ReflectConfig parse(JsonNode entries) {
        Set<String> usable = new HashSet<>();
        for (JsonNode entry : entries) {
            boolean constructors = entry.path("allDeclaredConstructors").asBoolean()
                    || entry.path("allPublicConstructors").asBoolean();
            boolean members = entry.path("allDeclaredMethods").asBoolean()
                    || entry.path("allPublicMethods").asBoolean() || entry.path("allDeclaredFields").asBoolean();
            if (constructors && members) {
                usable.add(entry.path("name").asText());
            }
        }
        return new ReflectConfig(usable);
    }

    /** Those of {@code types} Jackson could not construct or read in the native image. */
    Set<String> missing(Set<String> types) {
        Set<String> missing = new TreeSet<>(types);
        missing.removeAll(usable);
        return missing;
    }
}
