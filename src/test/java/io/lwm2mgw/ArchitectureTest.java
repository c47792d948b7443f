package io.lwm2mgw;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The package boundaries of style.md, checked on the production classes. */
@AnalyzeClasses(packages = "io.lwm2mgw", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The top-level packages of {@code root} form no cycle. */
    static ArchRule noCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }

    /**
     * The floors, top to bottom, in the order data flows: {@code app -> state -> {api, ops, northbound,
     * southbound} -> firmware -> command -> {events, storage} -> domain}, {@code config} at the ground. A package
     * may use the floors below it, never one above: nothing below the northbound imports it. The state
     * backends ({@code state} and its engines) implement seams that the floors below define, so only the
     * wiring in {@code app} may choose one.
     */
    static ArchRule layers(String root) {
        return layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true)
                .layer("app").definedBy(root + ".app..")
                .layer("state").definedBy(root + ".state..")
                .layer("api").definedBy(root + ".api..")
                .layer("ops").definedBy(root + ".ops..")
                .layer("northbound").definedBy(root + ".northbound..")
                .layer("southbound").definedBy(root + ".southbound..")
                .layer("firmware").definedBy(root + ".firmware..")
                .layer("command").definedBy(root + ".command..")
                .layer("events").definedBy(root + ".events..")
                .layer("storage").definedBy(root + ".storage..")
                .layer("domain").definedBy(root + ".domain..")
                .layer("config").definedBy(root + ".config..")
                .whereLayer("app").mayNotBeAccessedByAnyLayer()
                .whereLayer("state").mayOnlyBeAccessedByLayers("app")
                .whereLayer("api").mayOnlyBeAccessedByLayers("app")
                .whereLayer("ops").mayOnlyBeAccessedByLayers("app", "api")
                .whereLayer("northbound").mayOnlyBeAccessedByLayers("app", "api", "ops")
                .whereLayer("southbound").mayOnlyBeAccessedByLayers("app", "state", "api", "ops")
                .whereLayer("firmware")
                .mayOnlyBeAccessedByLayers("app", "state", "api", "ops", "northbound", "southbound")
                .whereLayer("command")
                .mayOnlyBeAccessedByLayers("app", "state", "api", "ops", "northbound", "southbound", "firmware")
                .whereLayer("events")
                .mayOnlyBeAccessedByLayers("app", "api", "ops", "northbound", "southbound", "firmware", "command")
                .whereLayer("storage").mayOnlyBeAccessedByLayers("app", "state", "api", "ops", "northbound",
                        "southbound", "firmware", "command")
                .whereLayer("domain").mayOnlyBeAccessedByLayers("app", "state", "api", "ops", "northbound",
                        "southbound", "firmware", "command", "events", "storage");
    }

    @ArchTest
    static final ArchRule top_level_packages_form_no_cycle = noCycles("io.lwm2mgw");

    @ArchTest
    static final ArchRule packages_use_only_the_floors_below_them = layers("io.lwm2mgw");

    @org.junit.jupiter.api.Test
    void the_rules_fail_on_an_upward_import_and_on_a_package_cycle() {
        JavaClasses fixture = new ClassFileImporter().importPackages("archfixture");

        assertThat(layers("archfixture").evaluate(fixture).hasViolation())
                .as("command importing the northbound is refused").isTrue();
        assertThat(noCycles("archfixture").evaluate(fixture).hasViolation())
                .as("command <-> northbound is a cycle").isTrue();
    }

    @ArchTest
    static final ArchRule only_southbound_lwm2m_uses_leshan_and_californium = noClasses()
            .that().resideOutsideOfPackage("io.lwm2mgw.southbound.lwm2m..")
            .should().dependOnClassesThat().resideInAnyPackage("org.eclipse.leshan..", "org.eclipse.californium..");

    @ArchTest
    static final ArchRule only_northbound_mqtt_uses_hivemq = noClasses()
            .that().resideOutsideOfPackage("io.lwm2mgw.northbound.mqtt..")
            .should().dependOnClassesThat().resideInAPackage("com.hivemq..");

    @ArchTest
    static final ArchRule only_northbound_kafka_uses_kafka = noClasses()
            .that().resideOutsideOfPackage("io.lwm2mgw.northbound.kafka..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("org.apache.kafka..", "io.smallrye.reactive.messaging.kafka..");

    @ArchTest
    static final ArchRule only_the_redis_backend_and_its_wiring_use_the_redis_client = noClasses()
            .that().resideOutsideOfPackages("io.lwm2mgw.state.redis..", "io.lwm2mgw.app..")
            .should().dependOnClassesThat().resideInAnyPackage("io.quarkus.redis..", "io.vertx.redis..",
                    "io.vertx.mutiny.redis..");

    @ArchTest
    static final ArchRule only_the_embedded_backend_uses_h2 = noClasses()
            .that().resideOutsideOfPackage("io.lwm2mgw.state.embedded..")
            .should().dependOnClassesThat().resideInAPackage("org.h2..");

    @ArchTest
    static final ArchRule domain_depends_on_java_and_itself_only = classes()
            .that().resideInAPackage("io.lwm2mgw.domain..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.lwm2mgw.domain..");

    @ArchTest
    static final ArchRule config_holds_interfaces_only = classes()
            .that().resideInAPackage("io.lwm2mgw.config..")
            .should().beInterfaces();

    @ArchTest
    static final ArchRule no_manager_helper_or_util_classes = noClasses()
            .should().haveSimpleNameEndingWith("Manager")
            .orShould().haveSimpleNameEndingWith("Helper")
            .orShould().haveSimpleNameEndingWith("Util");
}
