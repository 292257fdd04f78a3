package io.presencesync;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

@AnalyzeClasses(packages = "io.presencesync", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule theDomainDependsOnTheJdkAndItselfOnly = classes()
            .that().resideInAPackage("io.presencesync.domain..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.presencesync.domain..")
            .because("presences, events and users are plain values every other part builds on");

    @ArchTest
    static final ArchRule theRulesDependOnTheJdkAndTheDomainOnly = classes()
            .that().resideInAPackage("io.presencesync.rules..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.presencesync.domain..", "io.presencesync.rules..")
            .because("the rules are a pure function of their inputs and an instant: testable for any date, zone or DST edge");

    @ArchTest
    static final ArchRule theApplicationDependsOnTheDomainTheRulesItsPortsAndLoggingOnly = classes()
            .that().resideInAPackage("io.presencesync.application..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.slf4j..", "io.presencesync.domain..",
                    "io.presencesync.rules..", "io.presencesync.application..")
            .because("what to sync, when and what to deliver is decided here; Graph, Quartz, the stores, HTTP, metrics and "
                    + "Resilience4j are adapters that only execute it");

    @ArchTest
    static final ArchRule theLayersDependOnEachOtherWithoutCycles = slices()
            .matching("io.presencesync.(**)")
            .should().beFreeOfCycles()
            .because("each package can be read, tested and changed without the ones that depend on it");

    @ArchTest
    static final ArchRule onlyTheCommandLineReadsTheSystemClock = noClasses()
            .that().resideOutsideOfPackage("io.presencesync.adapter.cli..")
            .should().callMethod(Clock.class, "systemUTC")
            .orShould().callMethod(Clock.class, "systemDefaultZone")
            .orShould().callMethod(Clock.class, "system", ZoneId.class)
            .orShould().callMethod(Instant.class, "now")
            .orShould().callMethod(LocalDate.class, "now")
            .orShould().callMethod(LocalDateTime.class, "now")
            .orShould().callMethod(OffsetDateTime.class, "now")
            .orShould().callMethod(ZonedDateTime.class, "now")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .because("every time decision takes a Clock injected by the composition root (the CLI commands and ServiceRunner), "
                    + "so tests step a clock instead of waiting");

    @ArchTest
    static final ArchRule theSharedHttpPartsDependOnNothingOfOurs = noClasses()
            .that().resideInAPackage("io.presencesync.adapter.http..")
            .should().dependOnClassesThat(resideInAPackage("io.presencesync..").and(resideOutsideOfPackage("io.presencesync.adapter.http..")))
            .because("graph, metrics, publisher, web and demo all use it, so it can use none of them");
}
