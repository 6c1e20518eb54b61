package io.zhiyue.devstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs {@link DevstackMain} as a child process of this JVM, with this JVM's class path. The child
 * exits when this JVM does (it watches its stdin). As root the child runs in a user namespace
 * that maps us to {@code nobody}, because PostgreSQL will not run as root.
 */
public final class DevstackProcess implements AutoCloseable {

    private final Process process;
    private final Endpoints endpoints;

    private DevstackProcess(Process process, Endpoints endpoints) {
        this.process = process;
        this.endpoints = endpoints;
    }

    public static DevstackProcess start(boolean postgres, boolean redis, Path log) throws IOException {
        List<String> args = new ArrayList<>();
        if (!postgres) {
            args.add("--no-pg");
        }
        if (!redis) {
            args.add("--no-redis");
        }
        return start(args.toArray(new String[0]), log);
    }

    /** @param devstackArgs arguments of {@link DevstackMain} */
    public static DevstackProcess start(String[] devstackArgs, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("unshare", "--user", "--map-user=65534", "--map-group=65534"));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"),
                DevstackMain.class.getName(), "--exit-on-stdin-eof"));
        command.addAll(List.of(devstackArgs));
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        CompletableFuture<Endpoints> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> readUntilReady(process, ready), "devstack-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            Endpoints endpoints = ready.get(180, TimeUnit.SECONDS);
            return new DevstackProcess(process, endpoints);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            throw new IOException("interrupted while the devstack started", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("the devstack did not start (see " + log.toAbsolutePath() + "): "
                    + e.getMessage(), e);
        }
    }

    private static void readUntilReady(Process process, CompletableFuture<Endpoints> ready) {
        String pg = null;
        String redis = null;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ZHIYUE_PG_URL=")) {
                    pg = line.substring("ZHIYUE_PG_URL=".length());
                } else if (line.startsWith("ZHIYUE_REDIS_URL=")) {
                    redis = line.substring("ZHIYUE_REDIS_URL=".length());
                } else if (line.equals(DevstackMain.READY)) {
                    ready.complete(new Endpoints(pg, redis));
                }
            }
            ready.completeExceptionally(new IOException("devstack exited with " + process.waitFor()));
        } catch (IOException | InterruptedException e) {
            ready.completeExceptionally(e);
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
