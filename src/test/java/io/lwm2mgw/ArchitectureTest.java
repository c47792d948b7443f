package io.lwm2mgw;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The package boundaries of style.md, checked on the production classes. */
@AnalyzeClasses(packages = "io.lwm2mgw", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

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
