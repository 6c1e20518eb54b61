package io.zhiyue.nativesources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project types Jackson reads outside REST, found in source: every class literal handed to a
 * Jackson or {@code JsonCodec} read ({@code read}, {@code readValue}, {@code treeToValue},
 * {@code convertValue}, {@code readerFor}), resolved to its binary name through the file's imports,
 * its own nested types and its package. Types outside {@code io.zhiyue} (JsonNode, String) are left
 * out: they are not ours to register.
 */
final class JacksonReads {

    private static final Pattern READ = Pattern.compile(
            "\\b(?:read|readValue|treeToValue|convertValue|readerFor)\\((?:[^;()]|\\([^;()]*\\))*?"
                    + "\\b([A-Z]\\w*(?:\\.[A-Z]\\w*)*)(?:\\[])?\\.class");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import ([\\w.]+)\\.([A-Z]\\w*);", Pattern.MULTILINE);

    private JacksonReads() {
    }

    /** The binary names of the project types read in the Java sources under {@code sourceRoot}. */
    static Set<String> in(Path sourceRoot) {
        Set<String> types = new TreeSet<>();
        if (!Files.isDirectory(sourceRoot)) {
            return types;
        }
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> types.addAll(inFile(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return types;
    }

    static Set<String> inFile(Path file) {
        try {
            return inSource(Files.readString(file), file.getFileName().toString().replace(".java", ""),
                    file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code directory} holds the file's package mates (a simple name found there is theirs). */
    static Set<String> inSource(String source, String topLevel, Path directory) {
        Set<String> types = new TreeSet<>();
        Matcher packageName = PACKAGE.matcher(source);
        String pkg = packageName.find() ? packageName.group(1) : "";
        Matcher read = READ.matcher(source);
        while (read.find()) {
            String literal = read.group(1);
            String outer = literal.contains(".") ? literal.substring(0, literal.indexOf('.')) : literal;
            String nested = literal.contains(".") ? literal.substring(literal.indexOf('.')).replace('.', '$') : "";
            String resolved = resolve(source, pkg, topLevel, outer, directory);
            if (resolved != null && resolved.startsWith("io.zhiyue.")) {
                types.add(resolved + nested);
            }
        }
        return types;
    }

    private static String resolve(String source, String pkg, String topLevel, String simpleName, Path directory) {
        Matcher imports = IMPORT.matcher(source);
        while (imports.find()) {
            if (imports.group(2).equals(simpleName)) {
                return imports.group(1) + "." + simpleName;
            }
        }
        if (simpleName.equals(topLevel)) {
            return pkg + "." + simpleName;
        }
        if (Pattern.compile("\\b(?:record|class|interface|enum)\\s+" + simpleName + "\\b").matcher(source).find()) {
            return pkg + "." + topLevel + "$" + simpleName;
        }
        if (directory != null && Files.exists(directory.resolve(simpleName + ".java"))) {
            return pkg + "." + simpleName;
        }
        return null;
    }
}
