package io.zhiyue.nativesources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project types Jackson reads outside REST, found in source: every class literal handed to a
 * Jackson or project read ({@code JsonCodec.read}, {@code readValue}, {@code treeToValue},
 * {@code convertValue}, {@code readerFor}, {@code Envelope.payloadAs}) and every type argument of a
 * {@code TypeReference}, resolved to its binary name through the file's imports, its own nested
 * types and its package. Types outside {@code io.zhiyue} (JsonNode, String) are left out: they are
 * not ours to register.
 */
final class JacksonReads {

    private static final Pattern READ_CALL = Pattern.compile(
            "\\b(?:read|readValue|treeToValue|convertValue|readerFor|payloadAs)\\s*\\(");
    private static final Pattern TYPE_REFERENCE = Pattern.compile("\\bTypeReference\\s*<");
    private static final Pattern CLASS_LITERAL = Pattern.compile(
            "\\b((?:[a-z_]\\w*\\s*\\.\\s*)*[A-Z]\\w*(?:\\s*\\.\\s*[A-Z]\\w*)*)(?:\\s*\\[\\s*])*\\s*\\.\\s*class\\b");
    private static final Pattern TYPE_NAME = Pattern.compile("\\b((?:[a-z_]\\w*\\.)*[A-Z]\\w*(?:\\.[A-Z]\\w*)*)");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import ([\\w.]+);", Pattern.MULTILINE);

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

    /** {@code directory} holds the file's package mates (a simple name found there is theirs); may be null. */
    static Set<String> inSource(String source, String topLevel, Path directory) {
        String code = withoutCommentsAndLiterals(source);
        Matcher packageName = PACKAGE.matcher(code);
        String pkg = packageName.find() ? packageName.group(1) : "";
        List<String> names = new ArrayList<>();
        Matcher read = READ_CALL.matcher(code);
        while (read.find()) {
            String arguments = enclosed(code, read.end() - 1, '(', ')');
            Matcher literal = CLASS_LITERAL.matcher(arguments);
            while (literal.find()) {
                names.add(literal.group(1).replaceAll("\\s", ""));
            }
        }
        Matcher reference = TYPE_REFERENCE.matcher(code);
        while (reference.find()) {
            Matcher type = TYPE_NAME.matcher(enclosed(code, reference.end() - 1, '<', '>'));
            while (type.find()) {
                names.add(type.group(1));
            }
        }
        Set<String> types = new TreeSet<>();
        for (String name : names) {
            String resolved = resolve(code, pkg, topLevel, name, directory);
            if (resolved != null && resolved.startsWith("io.zhiyue.")) {
                types.add(resolved);
            }
        }
        return types;
    }

    /** The text between the bracket at {@code open} and its partner (or the rest, if it has none). */
    private static String enclosed(String code, int open, char opening, char closing) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == opening) {
                depth++;
            } else if (c == closing && --depth == 0) {
                return code.substring(open + 1, i);
            }
        }
        return code.substring(open + 1);
    }

    /** The source with comments and the contents of string, text-block and char literals blanked out. */
    static String withoutCommentsAndLiterals(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                i = end < 0 ? source.length() : end;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? source.length() : end + 2;
                code.append(' ');
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                i = end < 0 ? source.length() : end + 3;
                code.append("\"\"");
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i);
                int j = i + 1;
                while (j < source.length() && source.charAt(j) != quote && source.charAt(j) != '\n') {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                i = Math.min(j + 1, source.length());
                code.append(quote).append(quote);
            } else {
                code.append(source.charAt(i++));
            }
        }
        return code.toString();
    }

    /** The binary name of {@code name} (simple, nested {@code Outer.Inner} or qualified) as this file sees it. */
    private static String resolve(String code, String pkg, String topLevel, String name, Path directory) {
        if (Character.isLowerCase(name.charAt(0))) {
            return binaryName(name);
        }
        String outer = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        String nested = name.contains(".") ? name.substring(name.indexOf('.')).replace('.', '$') : "";
        Matcher imports = IMPORT.matcher(code);
        while (imports.find()) {
            String imported = imports.group(1);
            if (imported.endsWith("." + outer)) {
                return binaryName(imported) + nested;
            }
        }
        if (outer.equals(topLevel)) {
            return pkg + "." + topLevel + nested;
        }
        if (Pattern.compile("\\b(?:record|class|interface|enum)\\s+" + outer + "\\b").matcher(code).find()) {
            return pkg + "." + topLevel + "$" + outer + nested;
        }
        if (directory != null && Files.exists(directory.resolve(outer + ".java"))) {
            return pkg + "." + outer + nested;
        }
        return null;
    }

    /** {@code a.b.Outer.Inner} → {@code a.b.Outer$Inner}: packages are lower case, types upper case. */
    static String binaryName(String qualified) {
        String[] segments = qualified.split("\\.");
        StringBuilder binary = new StringBuilder();
        boolean inType = false;
        for (String segment : segments) {
            if (!binary.isEmpty()) {
                binary.append(inType ? '$' : '.');
            }
            binary.append(segment);
            inType |= Character.isUpperCase(segment.charAt(0));
        }
        return binary.toString();
    }
}
