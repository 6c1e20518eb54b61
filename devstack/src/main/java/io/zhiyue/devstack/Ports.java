package io.zhiyue.devstack;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Ports for tests that need a peer nobody answers on. */
public final class Ports {

    /** Below Linux's default ephemeral range (32768–60999): a bind to port 0 is never given one of these. */
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;

    private Ports() {
    }

    /**
     * A port nothing listens on, for an unreachable peer: free now, and outside the ephemeral range, so a server a
     * test starts later on port 0 cannot take it. A port from {@code new ServerSocket(0)} closed again could be
     * handed to the next such server — a gateway under test once got the port of the "dead" downstream it was
     * configured with and answered its own relayed call.
     */
    public static int unused() {
        int start = ThreadLocalRandom.current().nextInt(LOW, HIGH);
        for (int i = 0; i < HIGH - LOW; i++) {
            int port = LOW + (start - LOW + i) % (HIGH - LOW);
            try (ServerSocket socket = new ServerSocket(port)) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: the next one
            }
        }
        throw new IllegalStateException("no free port between " + LOW + " and " + HIGH);
    }
}
