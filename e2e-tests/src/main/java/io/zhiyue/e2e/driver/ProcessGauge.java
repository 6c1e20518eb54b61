package io.zhiyue.e2e.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One process's resident memory and CPU time so far, read from {@code /proc/<pid>} (Linux). A bench
 * samples it around what it measures; unreadable figures (another OS, a process gone) are -1.
 */
final class ProcessGauge {

    /** USER_HZ: the unit of utime and stime in /proc/[pid]/stat on every Linux that matters. */
    private static final double TICKS_PER_SECOND = 100;

    private final Path process;

    ProcessGauge(long pid) {
        this.process = Path.of("/proc", Long.toString(pid));
    }

    static ProcessGauge self() {
        return new ProcessGauge(ProcessHandle.current().pid());
    }

    /** VmRSS of /proc/[pid]/status, in bytes. */
    long residentBytes() {
        try {
            for (String line : Files.readAllLines(process.resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not readable: reported as unknown
        }
        return -1;
    }

    /** utime + stime (fields 14 and 15 of /proc/[pid]/stat, counted after the command in parentheses), in seconds. */
    double cpuSeconds() {
        try {
            String stat = Files.readString(process.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
