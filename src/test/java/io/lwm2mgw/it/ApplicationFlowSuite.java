package io.lwm2mgw.it;

import org.junit.platform.suite.api.ExcludeClassNamePatterns;
import org.junit.platform.suite.api.IncludeTags;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * The in-JVM application tests (tag {@code app}) that share {@link BrokersResource}'s configuration, as one unit
 * of the full run: Failsafe hands a JVM one class at a time, and this class is all of them, so Quarkus builds and
 * starts their application once while the other Failsafe JVMs run the packaged-jar ITs beside it (the application
 * tests mostly wait for devices and brokers, and left a core idle when they ran alone). A new {@code app} class in
 * these packages joins by itself. Classes are found by name, so that Quarkus's class loader loads them.
 * {@code ./mvnw test -Dtest=CommandFlowTest} runs one class in Surefire instead.
 */
@Suite
@SelectPackages({"io.lwm2mgw.it", "io.lwm2mgw.sim"})
@IncludeTags("app")
@ExcludeClassNamePatterns(".*\\.BrokerOutageTest")
class ApplicationFlowSuite {
}
