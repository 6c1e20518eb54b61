package io.zhiyue.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One kustomization.yaml: the resource files and directories it includes, its patch files and inline patches,
 * the Secrets its secretGenerator makes (from literals, named without the hash suffix kustomize appends).
 */
record Kustomization(Path dir, List<Path> resourceFiles, List<Path> resourceDirs, List<Path> patchFiles,
                     List<String> inlinePatches, List<Secret> secretGenerator) {

    static Kustomization read(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        JsonNode root = StrictManifestLoader.documents(Repository.read(file), file.toString()).getFirst();
        List<Path> resourceFiles = new ArrayList<>();
        List<Path> resourceDirs = new ArrayList<>();
        for (JsonNode resource : root.path("resources")) {
            Path path = dir.resolve(resource.asText()).normalize();
            (Files.isDirectory(path) ? resourceDirs : resourceFiles).add(path);
        }
        List<Path> patchFiles = new ArrayList<>();
        List<String> inlinePatches = new ArrayList<>();
        for (JsonNode patch : root.path("patches")) {
            if (patch.has("path")) {
                patchFiles.add(dir.resolve(patch.get("path").asText()).normalize());
            } else {
                inlinePatches.add(patch.path("patch").asText());
            }
        }
        List<Secret> secretGenerator = new ArrayList<>();
        for (JsonNode generator : root.path("secretGenerator")) {
            secretGenerator.add(generatedSecret(generator, file));
        }
        return new Kustomization(dir, resourceFiles, resourceDirs, patchFiles, inlinePatches, secretGenerator);
    }

    /** A secretGenerator entry as the Secret it makes; only literals are read (a files: or envs: one is refused). */
    private static Secret generatedSecret(JsonNode generator, Path file) {
        String name = generator.path("name").asText();
        for (String unsupported : List.of("files", "envs")) {
            if (generator.has(unsupported)) {
                throw new ManifestException(file + ": secretGenerator " + name + " uses " + unsupported
                        + ", which deploy-tests does not read (literals only)");
            }
        }
        Map<String, String> data = new LinkedHashMap<>();
        for (JsonNode literal : generator.path("literals")) {
            String text = literal.asText();
            int equals = text.indexOf('=');
            if (equals <= 0) {
                throw new ManifestException(file + ": secretGenerator " + name + " literal is not key=value");
            }
            data.put(text.substring(0, equals), text.substring(equals + 1));
        }
        return new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .withType(generator.path("type").asText("Opaque")).withStringData(data).build();
    }

    /** The names of the Secrets it generates. */
    List<String> generatedSecrets() {
        return secretGenerator.stream().map(secret -> secret.getMetadata().getName()).toList();
    }

    /** Every file this kustomization names, resources and patches. */
    List<Path> files() {
        List<Path> files = new ArrayList<>(resourceFiles);
        files.addAll(patchFiles);
        return files;
    }
}
