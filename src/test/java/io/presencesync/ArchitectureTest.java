package io.presencesync;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

@AnalyzeClasses(packages = "io.presencesync", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule domainRulesAndApplicationStayFreeOfFrameworks = noClasses()
            .that().resideInAnyPackage("io.presencesync.domain..", "io.presencesync.rules..", "io.presencesync.application..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "com.microsoft..", "com.azure..", "org.quartz..", "redis..", "io.lettuce..", "okhttp3..",
                    "java.net.http..", "com.sun.net.httpserver..", "com.fasterxml..", "io.micrometer..",
                    "io.presencesync.adapter..")
            .because("the rules and the domain are pure code; Graph, Quartz, stores, HTTP and metrics are adapters around them");

    @ArchTest
    static final ArchRule domainAndRulesNeverReadTheSystemClock = noClasses()
            .that().resideInAnyPackage("io.presencesync.domain..", "io.presencesync.rules..")
            .should().callMethod(java.time.Instant.class, "now")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .because("every time decision takes an injected Clock or Instant");

    @ArchTest
    static final ArchRule adapterPackagesDependOnEachOtherWithoutCycles = slices()
            .matching("io.presencesync.adapter.(*)..")
            .should().beFreeOfCycles()
            .because("an adapter package can be read, tested and changed without the ones that depend on it");
}
