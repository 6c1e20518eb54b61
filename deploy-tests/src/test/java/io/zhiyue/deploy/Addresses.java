package io.zhiyue.deploy;

import io.zhiyue.deploy.ContainerEnvironment.Variable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host:port pairs a setting names: "grading-service:8081", "http://tracing-service:8084",
 * "postgresql://user:pw@postgres:5432/db", lists of them. The host is its first DNS label (a Service's name).
 * A container's environment also names one through libpq's PGHOST and PGPORT (pg_dump, psql).
 */
final class Addresses {

    /** libpq's default port, when PGHOST is set and PGPORT is not. */
    static final int POSTGRES_PORT = 5432;

    private static final Pattern HOST_PORT =
            Pattern.compile("(?:^|[/@,\\s])([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)(?:\\.[-a-z0-9.]+)?:(\\d+)(?=$|[/,\\s?])");

    private Addresses() {
    }

    record Address(String host, int port) {
    }

    /** An address and the variable that names it (PGHOST for libpq's pair). */
    record Named(String variable, Address address) {
    }

    /** Every address a container's environment names: host:port in any value, and PGHOST with PGPORT. */
    static List<Named> in(Map<String, Variable> environment) {
        List<Named> addresses = new ArrayList<>();
        for (Variable variable : environment.values()) {
            for (Address address : in(variable.value())) {
                addresses.add(new Named(variable.name(), address));
            }
        }
        Variable host = environment.get("PGHOST");
        Variable port = environment.get("PGPORT");
        if (host != null && host.value() != null) {
            String[] hosts = host.value().split(",");
            String[] ports = port == null || port.value() == null || port.value().isBlank() ? new String[0] : port.value().split(",");
            for (int i = 0; i < hosts.length; i++) {
                String name = hosts[i].trim();
                if (name.isEmpty() || name.startsWith("/") || name.startsWith("@")) {
                    continue;   // a Unix socket's directory or abstract name
                }
                // libpq: one port for every host, or one port per host
                String portText = ports.length == 0 ? String.valueOf(POSTGRES_PORT) : ports[Math.min(i, ports.length - 1)].trim();
                if (portText.matches("\\d+")) {
                    String label = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
                    addresses.add(new Named("PGHOST", new Address(label, Integer.parseInt(portText))));
                }
            }
        }
        return addresses;
    }

    static List<Address> in(String value) {
        List<Address> addresses = new ArrayList<>();
        if (value == null) {
            return addresses;
        }
        Matcher matcher = HOST_PORT.matcher(value);
        while (matcher.find()) {
            addresses.add(new Address(matcher.group(1), Integer.parseInt(matcher.group(2))));
        }
        return addresses;
    }
}
