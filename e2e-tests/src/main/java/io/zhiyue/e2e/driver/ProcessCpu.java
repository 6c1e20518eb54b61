package io.zhiyue.e2e.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time used so far by every process of each kind on this machine (grading-service,
 * api-gateway, PostgreSQL, Redis, this bench), from {@code /proc}: the difference of two samples
 * is what each kind used in between. Linux only; elsewhere every figure is zero.
 */
public final class ProcessCpu {

    public static final String GRADING = "grading-service";
    public static final String GATEWAY = "api-gateway";
    public static final String POSTGRES = "PostgreSQL";
    public static final String REDIS = "Redis";
    public static final String BENCH = "this bench";
    /** USER_HZ: the unit of utime and stime in /proc/[pid]/stat on every Linux that matters. */
    private static final double TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** Seconds of CPU (user + system) per kind, in a stable order. */
    public static Map<String, Double> sample() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String kind : new String[] {GRADING, GATEWAY, POSTGRES, REDIS, BENCH}) {
            seconds.put(kind, 0.0);
        }
        long self = ProcessHandle.current().pid();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            processes.filter(path -> path.getFileName().toString().chars().allMatch(Character::isDigit))
                    .forEach(path -> {
                        String kind = Long.parseLong(path.getFileName().toString()) == self ? BENCH : kindOf(path);
                        if (kind != null) {
                            seconds.merge(kind, ticks(path) / TICKS_PER_SECOND, Double::sum);
                        }
                    });
        } catch (IOException | RuntimeException e) {
            // no /proc (not Linux): nothing to report
        }
        return seconds;
    }

    /** What each kind used from {@code before} to {@code after}. */
    public static Map<String, Double> used(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> used = new LinkedHashMap<>();
        after.forEach((kind, seconds) -> used.put(kind, Math.max(0, seconds - before.getOrDefault(kind, 0.0))));
        return used;
    }

    private static String kindOf(Path process) {
        String command;
        try {
            command = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return null;
        }
        // a service runs from its quarkus-run.jar (the launcher's, a container's)
        if (command.contains("quarkus-run.jar") && command.contains("grading-service")) {
            return GRADING;
        }
        if (command.contains("quarkus-run.jar") && command.contains("api-gateway")) {
            return GATEWAY;
        }
        if (command.startsWith("postgres") || command.contains("/bin/postgres")) {
            return POSTGRES;
        }
        if (command.contains("redis-server")) {
            return REDIS;
        }
        return null;
    }

    /** utime + stime: fields 14 and 15 of /proc/[pid]/stat, counted after the command in parentheses. */
    private static long ticks(Path process) {
        try {
            String stat = Files.readString(process.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
