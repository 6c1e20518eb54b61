package io.zhiyue.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Signals to processes by pid, and a process's children: how the tests freeze and kill things. */
final class OsProcesses {

    private OsProcesses() {
    }

    /**
     * {@code kill -<signal> <pid>...}; fails the test if a signal could not be delivered to a process that
     * still exists (one that ended meanwhile, such as a PostgreSQL backend of a closed connection, is fine).
     */
    static void signal(String signal, List<Long> pids) {
        if (kill(signal, pids) != 0) {
            List<Long> alive = pids.stream().filter(pid -> Files.exists(Path.of("/proc", Long.toString(pid)))).toList();
            int exit = alive.isEmpty() ? 0 : kill(signal, alive);
            if (exit != 0) {
                throw new IllegalStateException("kill -" + signal + " " + alive + " exited with " + exit);
            }
        }
    }

    private static int kill(String signal, List<Long> pids) {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        try {
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void signal(String signal, long pid) {
        signal(signal, List.of(pid));
    }

    /** The process and every process below it (read from /proc). */
    static List<Long> withDescendants(long pid) {
        List<Long> all = new ArrayList<>(List.of(pid));
        for (int i = 0; i < all.size(); i++) {
            all.addAll(children(all.get(i)));
        }
        return all;
    }

    private static List<Long> children(long parent) {
        List<Long> children = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : entries) {
                try {
                    String stat = Files.readString(entry.resolve("stat"));
                    // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(fields[1]) == parent) {
                        children.add(Long.parseLong(entry.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException vanished) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return children;
    }
}
