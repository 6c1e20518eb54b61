package io.zhiyue.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The devstack as a process: starts embedded PostgreSQL and Redis, prints
 * {@code ZHIYUE_PG_URL=…}, {@code ZHIYUE_REDIS_URL=…} and {@value #READY} on stdout, and runs
 * until it is terminated (or, with {@code --exit-on-stdin-eof}, until its parent goes away).
 *
 * <pre>DevstackMain [--data DIR] [--pg-port N] [--redis-port N] [--no-pg] [--no-redis] [--exit-on-stdin-eof]</pre>
 */
public final class DevstackMain {

    public static final String READY = "DEVSTACK READY";

    private DevstackMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path data = null;
        int pgPort = 0;
        int redisPort = 0;
        boolean pg = true;
        boolean redis = true;
        boolean exitOnStdinEof = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]).toAbsolutePath();
                case "--pg-port" -> pgPort = Integer.parseInt(args[++i]);
                case "--redis-port" -> redisPort = Integer.parseInt(args[++i]);
                case "--no-pg" -> pg = false;
                case "--no-redis" -> redis = false;
                case "--exit-on-stdin-eof" -> exitOnStdinEof = true;
                default -> {
                    System.err.println("devstack: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        EmbeddedInfrastructure infrastructure = EmbeddedInfrastructure.start(data, pg, pgPort, redis, redisPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            infrastructure.close();
            stopped.countDown();
        }, "devstack-shutdown"));
        Endpoints endpoints = infrastructure.endpoints();
        if (endpoints.pgUrl() != null) {
            System.out.println("ZHIYUE_PG_URL=" + endpoints.pgUrl());
        }
        if (endpoints.redisUrl() != null) {
            System.out.println("ZHIYUE_REDIS_URL=" + endpoints.redisUrl());
        }
        System.out.println(READY);
        System.out.flush();
        if (exitOnStdinEof) {
            Thread watcher = new Thread(() -> {
                try (InputStream in = System.in) {
                    while (in.read() >= 0) {
                        // drain: only the end of the stream matters
                    }
                } catch (IOException ignored) {
                    // a broken pipe means the parent is gone, same as EOF
                }
                System.exit(0);
            }, "devstack-parent-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        stopped.await();
    }
}
