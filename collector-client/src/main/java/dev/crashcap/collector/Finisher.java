package dev.crashcap.collector;

import java.nio.file.Path;

/**
 * Finishes a raw bundle off the hot path (attach what the dying process could not, pack it) and describes it for
 * transport. Must be idempotent: the uploader calls it again for a bundle that is already finished.
 */
@FunctionalInterface
public interface Finisher {
    /**
     * @return the shipment, or null if the bundle is not ready yet (its process may still be writing it); it is
     *     then left as it is and tried again on a later pass
     * @throws Exception when the bundle cannot be finished; it is then marked failed with the message
     */
    Shipment finish(Path bundle) throws Exception;

    /**
     * Called by the uploader after each pass: a finisher may keep what many bundles share (the module files their
     * symbols come from) for the bundles of one pass, and must let it go here.
     */
    default void endPass() {
    }
}
