package io.zhiyue.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service started from its packaged Quarkus application as a real child process: the
 * {@code java} process itself, so a kill hits the service and not a wrapper script.
 */
final class ServiceProcess implements AutoCloseable {

    static final String DEFAULT_HEAP = "512m";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;
    /** How it was started, to start it again. */
    private final Path jar;
    private final Map<String, String> env;
    private final String maxHeap;

    private ServiceProcess(String name, int port, Process process, Path log, Path jar, Map<String, String> env,
            String maxHeap) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.jar = jar;
        this.env = Map.copyOf(env);
        this.maxHeap = maxHeap;
    }

    static ServiceProcess start(String name, Path quarkusRunJar, int port, Map<String, String> env, Path logDir) {
        return start(name, quarkusRunJar, port, env, logDir, DEFAULT_HEAP);
    }

    /** @param maxHeap the JVM's -Xmx, e.g. {@code 96m} */
    static ServiceProcess start(String name, Path quarkusRunJar, int port, Map<String, String> env, Path logDir,
            String maxHeap) {
        if (!Files.isRegularFile(quarkusRunJar)) {
            throw new IllegalStateException(quarkusRunJar + " does not exist: package the services first "
                    + "(./mvnw verify builds them before this module)");
        }
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + maxHeap, "-jar", quarkusRunJar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(quarkusRunJar.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            // the services export their spans unless told not to: a suite that is not traced has no receiver
            builder.environment().put("ZHIYUE_OTEL_DISABLED", "true");
            builder.environment().putAll(env);
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            return new ServiceProcess(name, port, builder.start(), log, quarkusRunJar, env, maxHeap);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /**
     * A port nothing listens on, below the kernel's ephemeral range (32768+), so an outgoing connection
     * of another process cannot take it between now and the service's start; never the same one twice.
     */
    static int freePort() {
        for (int attempt = 0; attempt < PORT_SPAN; attempt++) {
            int port = PORT_BASE + Math.floorMod(NEXT_PORT.getAndIncrement(), PORT_SPAN);
            try (ServerSocket socket = new ServerSocket(port)) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: the next one
            }
        }
        throw new IllegalStateException("no free port in " + PORT_BASE + ".." + (PORT_BASE + PORT_SPAN - 1));
    }

    private static final int PORT_BASE = 20_000;
    private static final int PORT_SPAN = 12_000;
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
            new java.util.concurrent.atomic.AtomicInteger(java.util.concurrent.ThreadLocalRandom.current().nextInt(PORT_SPAN));

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    Process process() {
        return process;
    }

    Path log() {
        return log;
    }

    /** Ready means {@code /q/health/ready} answers 200; a dead process is never ready and says why. */
    boolean isReady() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log " + log
                    + ":\n" + logTail(40));
        }
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(url().resolve("/q/health/ready"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The same service started again on the same port (after this process died) as {@code name}, logging to a
     * file of that name.
     */
    ServiceProcess again(String newName) {
        return another(newName, port);
    }

    /**
     * Another process of the same service, started as this one was (jar, environment, heap) but on {@code otherPort},
     * as {@code newName}: a second replica.
     */
    ServiceProcess another(String newName, int otherPort) {
        return start(newName, jar, otherPort, env, log.getParent(), maxHeap);
    }

    /** SIGKILL: no shutdown hook runs, in-flight work is simply lost. */
    void kill() {
        process.toHandle().destroyForcibly();
    }

    long pid() {
        return process.pid();
    }

    /** This service's Prometheus metrics, or "" when it does not answer. */
    String metrics() {
        try {
            return HTTP.send(HttpRequest.newBuilder(url().resolve("/q/metrics")).timeout(Duration.ofSeconds(3)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The status of {@code GET /q/health/ready} and how long it took to come, in ms; status 0 if none came. */
    long[] readiness() {
        long started = System.nanoTime();
        int status;
        try {
            status = HTTP.send(HttpRequest.newBuilder(url().resolve("/q/health/ready")).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 0;
        }
        return new long[] {status, (System.nanoTime() - started) / 1_000_000};
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, up to 20 s for a graceful shutdown, then SIGKILL. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        terminate();
        awaitExit();
    }

    /** SIGTERM: the start of a graceful shutdown; {@link #awaitExit} waits for its end. */
    void terminate() {
        process.destroy();
    }

    /** Up to 20 s for the graceful shutdown a SIGTERM began, then SIGKILL. */
    void awaitExit() {
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
