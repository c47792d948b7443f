package archfixture.northbound;

import archfixture.command.RouterLike;

/** Fixture for ArchitectureTest: the northbound uses the command layer, as it may. */
public class PublisherLike {
    RouterLike router;
}
