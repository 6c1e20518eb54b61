package io.zhiyue.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One kustomization.yaml: the resource files and directories it includes, its patch files and inline patches,
 * the names of the Secrets it generates.
 */
record Kustomization(Path dir, List<Path> resourceFiles, List<Path> resourceDirs, List<Path> patchFiles,
                     List<String> inlinePatches, List<String> generatedSecrets) {

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
        List<String> generatedSecrets = new ArrayList<>();
        root.path("secretGenerator").forEach(generator -> generatedSecrets.add(generator.path("name").asText()));
        return new Kustomization(dir, resourceFiles, resourceDirs, patchFiles, inlinePatches, generatedSecrets);
    }

    /** Every file this kustomization names, resources and patches. */
    List<Path> files() {
        List<Path> files = new ArrayList<>(resourceFiles);
        files.addAll(patchFiles);
        return files;
    }
}
