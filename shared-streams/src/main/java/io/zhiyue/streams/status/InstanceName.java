package io.zhiyue.streams.status;

import java.lang.management.ManagementFactory;

/** How this process names itself to other processes: the pod name in Kubernetes, else {@code pid@host}. */
public final class InstanceName {

    private InstanceName() {
    }

    /** {@code <pid>@<host>}: unique on a machine, and a test can find a process's consumers by pid. */
    public static String process() {
        return ManagementFactory.getRuntimeMXBean().getName();
    }

    public static String instance() {
        String host = System.getenv("HOSTNAME");
        return host != null && !host.isBlank() && System.getenv("KUBERNETES_SERVICE_HOST") != null ? host : process();
    }
}
