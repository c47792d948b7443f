package archfixture.command;

import archfixture.northbound.PublisherLike;

/** Fixture for ArchitectureTest: a command class that imports the northbound (an upward arrow and a cycle). */
public class RouterLike {
    PublisherLike publisher;
}
