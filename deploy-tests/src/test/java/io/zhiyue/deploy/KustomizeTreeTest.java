package io.zhiyue.deploy;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every file under k8s/ without rendering: each loads strictly, each is used, each patch has a target. */
class KustomizeTreeTest {

    private final Path k8s = Repository.path("k8s");

    @TestFactory
    Stream<DynamicTest> everyResourceAndPatchFileLoadsStrictly() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Kustomization kustomization : kustomizations()) {
            for (Path file : kustomization.resourceFiles()) {
                tests.add(DynamicTest.dynamicTest(k8s.relativize(file).toString(),
                        () -> assertThat(StrictManifestLoader.resources(file)).isNotEmpty()));
            }
            for (Path file : kustomization.patchFiles()) {
                tests.add(DynamicTest.dynamicTest(k8s.relativize(file) + " (patch)",
                        () -> assertThat(StrictManifestLoader.patches(file)).isNotEmpty()));
            }
            int number = 0;
            for (String patch : kustomization.inlinePatches()) {
                String origin = k8s.relativize(kustomization.dir()) + "/kustomization.yaml inline patch " + ++number;
                tests.add(DynamicTest.dynamicTest(origin, () -> assertThat(StrictManifestLoader.patches(patch, origin)).isNotEmpty()));
            }
        }
        return tests.stream();
    }

    @Test
    void everyYamlFileIsAKustomizationOrNamedByOne() throws IOException {
        Set<Path> named = new HashSet<>();
        kustomizations().forEach(kustomization -> named.addAll(kustomization.files()));
        try (Stream<Path> files = Files.walk(k8s)) {
            assertThat(files.filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
                    .filter(file -> !file.getFileName().toString().equals("kustomization.yaml"))
                    .filter(file -> !named.contains(file.normalize())))
                    .as("YAML files under k8s/ no kustomization uses")
                    .isEmpty();
        }
    }

    @Test
    void everyOverlayPatchNamesAnObjectOfWhatItPatches() throws IOException {
        List<String> orphans = new ArrayList<>();
        for (Kustomization overlay : kustomizations()) {
            if (overlay.patchFiles().isEmpty()) {
                continue;
            }
            ManifestSet patched = ManifestSet.ofKustomization(overlay.dir());
            for (Path file : overlay.patchFiles()) {
                for (Manifest patch : StrictManifestLoader.patches(file)) {
                    boolean found = patched.manifests().stream().anyMatch(target ->
                            target.kind().equals(patch.kind()) && target.name().equals(patch.name()));
                    if (!found) {
                        orphans.add(patch + " patches nothing in " + k8s.relativize(overlay.dir()));
                    }
                }
            }
        }
        assertThat(orphans).isEmpty();
    }

    @Test
    void noSecretIsInGitExceptTheDevOverlaysGeneratedThrowaways() throws IOException {
        for (Kustomization kustomization : kustomizations()) {
            String where = k8s.relativize(kustomization.dir()).toString();
            if (where.equals("overlays/dev")) {
                assertThat(kustomization.generatedSecrets()).as(where).containsExactlyInAnyOrder("zhiyue-database", "zhiyue-redis");
            } else {
                assertThat(kustomization.generatedSecrets()).as(where + " generates Secrets").isEmpty();
            }
            for (Path file : kustomization.resourceFiles()) {
                assertThat(StrictManifestLoader.resources(file)).as(file + " holds a Secret")
                        .noneMatch(manifest -> manifest.kind().equals("Secret"));
            }
        }
    }

    @Test
    void theOverlaysIncludeTheBase() {
        for (String overlay : List.of("overlays/dev", "overlays/prod")) {
            assertThat(Kustomization.read(k8s.resolve(overlay)).resourceDirs()).contains(k8s.resolve("base").normalize());
        }
    }

    private List<Kustomization> kustomizations() throws IOException {
        try (Stream<Path> dirs = Files.walk(k8s)) {
            return dirs.filter(Files::isDirectory).filter(ManifestSet::isKustomization).map(Kustomization::read).toList();
        }
    }
}
