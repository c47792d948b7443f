package io.lwm2mgw.it;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * {@link BrokerOutageTest}, whose test profile gives it an application of its own, in a Failsafe JVM of its own
 * beside {@link ApplicationFlowSuite} (by name, so that Quarkus's class loader loads it).
 */
@Suite
@SelectClasses(names = "io.lwm2mgw.it.BrokerOutageTest")
class BrokerOutageSuite {
}
