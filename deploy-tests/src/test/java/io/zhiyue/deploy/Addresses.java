package io.zhiyue.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host:port pairs a setting names: "grading-service:8081", "http://tracing-service:8084",
 * "postgresql://user:pw@postgres:5432/db", lists of them. The host is its first DNS label (a Service's name).
 */
final class Addresses {

    private static final Pattern HOST_PORT =
            Pattern.compile("(?:^|[/@,\\s])([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)(?:\\.[-a-z0-9.]+)?:(\\d+)(?=$|[/,\\s?])");

    private Addresses() {
    }

    record Address(String host, int port) {
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
