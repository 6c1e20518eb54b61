package io.zhiyue.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Secrets the operator creates, as k8s/README.md tells them to: every {@code kubectl create secret} command
 * there, with the keys its --from-literal / --from-file flags (or a tls secret's tls.crt and tls.key) give it.
 */
final class DocumentedSecrets {

    private static final Pattern COMMAND = Pattern.compile("kubectl\\s[^\\n]*?create\\s+secret\\s+(generic|tls)\\s+([a-z0-9-]+)([^\\n]*)");
    private static final Pattern KEY = Pattern.compile("--from-(?:literal|file)=([^=\\s'\"]+)(=?)");

    private DocumentedSecrets() {
    }

    static Map<String, Set<String>> in(Path readme) {
        return in(Repository.read(readme));
    }

    static Map<String, Set<String>> in(String markdown) {
        String joined = markdown.replaceAll("\\\\\\r?\\n\\s*", " ");
        Map<String, Set<String>> secrets = new LinkedHashMap<>();
        Matcher command = COMMAND.matcher(joined);
        while (command.find()) {
            Set<String> keys = secrets.computeIfAbsent(command.group(2), name -> new TreeSet<>());
            if (command.group(1).equals("tls")) {
                keys.add("tls.crt");
                keys.add("tls.key");
            }
            Matcher key = KEY.matcher(command.group(3));
            while (key.find()) {
                String name = key.group(1);
                // --from-file=path (no key=) names the key after the file
                keys.add(key.group(2).isEmpty() ? Path.of(name).getFileName().toString() : name);
            }
        }
        return secrets;
    }
}
