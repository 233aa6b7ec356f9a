package io.haprobe.conformance;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of docs/architecture.md that span modules, on the main classes every module built before this one:
 * {@code io.haprobe.internal} belongs to {@code haprobe-engine} and {@code io.haprobe.tls.internal} to
 * {@code haprobe-engine-tls}; no other module imports them, and the engine sees no Bouncy Castle, JUnit or YAML
 * type. (The engine's own layering is checked by its {@code LayeringTest}.) This module is the last of the
 * reactor, so the other modules' {@code target/classes} exist when it runs.
 */
class ModuleLayeringTest {

    private static final List<String> OTHER_MODULES = List.of("engine-tls", "testkit", "junit5", "cli",
            "benchmarks", "examples");

    private static JavaClasses engine;
    private static JavaClasses engineTls;
    private static JavaClasses others;
    private static JavaClasses notEngineTls;

    @BeforeAll
    static void importModules() {
        engine = importModules(List.of("engine"));
        engineTls = importModules(List.of("engine-tls"));
        others = importModules(OTHER_MODULES);
        notEngineTls = importModules(OTHER_MODULES.stream().filter(m -> !m.equals("engine-tls")).toList());
    }

    @Test
    void everyModuleWasImported() {
        assertThat(engine.contain("io.haprobe.engine.HealthCheckEngine")).isTrue();
        assertThat(engineTls.contain("io.haprobe.tls.BouncyCastleTlsSupport")).isTrue();
        assertThat(others.contain("io.haprobe.junit.HaprobeExtension")).isTrue();
        assertThat(others.contain("io.haprobe.cli.Main")).isTrue();
    }

    @Test
    void onlyTheEngineImportsItsInternals() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.haprobe.internal..")
                .because("io.haprobe.internal is not API: it may change at any time (STYLE.md rule 1)")
                .check(others);
    }

    @Test
    void onlyEngineTlsImportsItsInternals() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.haprobe.tls.internal..")
                .because("io.haprobe.tls.internal is not API: it may change at any time (STYLE.md rule 1)")
                .check(notEngineTls);
    }

    @Test
    void theEngineSeesNoBouncyCastleJunitOrYaml() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("org.bouncycastle..", "org.junit..", "org.opentest4j..", "org.yaml..")
                .because("production users of haprobe-engine pull Netty alone (ARCHITECTURE.md, modules)")
                .check(engine);
    }

    @Test
    void engineTlsKeepsBouncyCastleOutOfItsApi() {
        noClasses().that().resideOutsideOfPackage("io.haprobe.tls.internal..")
                .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..")
                .because("no Bouncy Castle type in a public signature (STYLE.md rule 14)")
                .check(engineTls);
    }

    private static JavaClasses importModules(List<String> modules) {
        List<Path> dirs = new ArrayList<>();
        for (String module : modules) {
            Path classes = Path.of("..", module, "target", "classes");
            assertThat(classes).as("%s (build the whole reactor: mvn -B verify)", classes).isDirectory();
            dirs.add(classes);
        }
        return new ClassFileImporter().importPaths(dirs);
    }
}
