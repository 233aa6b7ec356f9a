package io.haprobe;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.conditions.ArchConditions;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ScheduledExecutorService;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layering of docs/architecture.md that a machine can check, on the engine's main classes: the pure core
 * imports no Netty and reads no clock, only the real scheduler reads real time, the pure core does not reach
 * into {@code internal}, and no two packages import each other, directly or around a loop. (Other modules'
 * use of {@code io.haprobe.internal} is checked by the conformance module's {@code ModuleLayeringTest}, which
 * sees every module.)
 */
class LayeringTest {

    /** The packages that hold only values and decisions: no I/O, no threads, no time source. */
    static final String[] PURE = {"io.haprobe", "io.haprobe.config..", "io.haprobe.check..",
            "io.haprobe.health..", "io.haprobe.report..", "io.haprobe.traffic..", "io.haprobe.diagnosis.."};

    private static JavaClasses engine;

    @BeforeAll
    static void importEngine() {
        engine = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.haprobe");
    }

    @Test
    void theEngineImportsSomething() {
        // a rule over no classes passes whatever it says: make sure the import saw the engine
        assertThat(engine.contain("io.haprobe.engine.HealthCheckEngine")).isTrue();
        assertThat(engine.contain("io.haprobe.CheckStatus")).isTrue();
    }

    @Test
    void thePureCoreImportsNoNetty() {
        noClasses().that().resideInAnyPackage(PURE)
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..")
                .because("the pure core is Netty-free (ARCHITECTURE.md, STYLE.md rule 6)")
                .check(engine);
    }

    @Test
    void thePureCoreDoesNotReachIntoTheShell() {
        noClasses().that().resideInAnyPackage(PURE)
                .should().dependOnClassesThat().resideInAnyPackage("io.haprobe.internal..", "io.haprobe.time..",
                        "io.haprobe.transport..", "io.haprobe.sim..", "io.haprobe.spi..", "io.haprobe.engine..")
                .because("the pure core decides; the shell (time, transport, sim, internal) acts")
                .check(engine);
    }

    @Test
    void theRuntimeShellTakesTheEngineAsFunctions() {
        noClasses().that().resideInAPackage("io.haprobe.runtime..")
                .should().dependOnClassesThat().resideInAnyPackage("io.haprobe.engine..", "io.haprobe.internal..")
                .because("io.haprobe.runtime serves text that callers hand in (show stat, show info); the facade "
                        + "io.haprobe.engine is above it (ARCHITECTURE.md)")
                .check(engine);
    }

    @Test
    void onlyTheRuntimeShellSeesMicrometer() {
        noClasses().that().resideOutsideOfPackage("io.haprobe.runtime..")
                .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..")
                .because("micrometer-core is an optional dependency: only HaproxyMeterBinder may need it")
                .check(engine);
    }

    @Test
    void thePureCoreReadsNoClock() {
        noClasses().that().resideInAnyPackage(PURE).should(readTheClock())
                .because("time comes in through io.haprobe.time.Scheduler only (STYLE.md rule 5)")
                .check(engine);
    }

    @Test
    void onlyTheRealSchedulerReadsRealTime() {
        noClasses().that().doNotHaveFullyQualifiedName("io.haprobe.time.EventLoopScheduler")
                .should(readTheClock())
                .because("nothing but the real Scheduler reads the clock or sleeps (ARCHITECTURE.md, the seams)")
                .check(engine);
    }

    @Test
    void onlyTheSchedulersScheduleOnAnEventLoop() {
        noClasses().that().doNotHaveFullyQualifiedName("io.haprobe.time.EventLoopScheduler")
                .and().resideOutsideOfPackage("io.haprobe.internal.sim..")
                .should().callMethodWhere(target(nameMatching("schedule.*"))
                        .and(target(owner(assignableToScheduledExecutor()))))
                .because("timers go through io.haprobe.time.Scheduler, so virtual time can replace them")
                .check(engine);
    }

    @Test
    void noPackagesFormACycle() {
        slices().assignedFrom(byPackage()).should().beFreeOfCycles().check(engine);
    }

    private static ArchCondition<JavaClass> readTheClock() {
        DescribedPredicate<JavaMethodCall> clock = DescribedPredicate.describe("a clock or sleep", call -> {
            String owner = call.getTargetOwner().getFullName();
            String name = call.getName();
            return owner.equals("java.lang.System") && (name.equals("nanoTime") || name.equals("currentTimeMillis"))
                    || owner.equals("java.lang.Thread") && name.equals("sleep")
                    || name.equals("now") && owner.startsWith("java.time.")
                    || owner.equals("java.time.Clock");
        });
        return ArchConditions.callMethodWhere(clock);
    }

    private static DescribedPredicate<JavaClass> assignableToScheduledExecutor() {
        return DescribedPredicate.describe("a ScheduledExecutorService",
                c -> c.isAssignableTo(ScheduledExecutorService.class));
    }

    /** Every package is its own slice, the root package included (a pattern like {@code io.haprobe.(*)} skips it). */
    private static SliceAssignment byPackage() {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String pkg = javaClass.getPackageName();
                return pkg.equals("io.haprobe") || pkg.startsWith("io.haprobe.") ? SliceIdentifier.of(pkg)
                        : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "every io.haprobe package";
            }
        };
    }
}
