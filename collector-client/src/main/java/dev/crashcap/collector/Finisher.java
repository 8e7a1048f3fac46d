package dev.crashcap.collector;

import java.nio.file.Path;

/**
 * Finishes a raw bundle off the hot path (attach what the dying process could not, pack it) and describes it for
 * transport. Must be idempotent: the uploader calls it again for a bundle that is already finished.
 */
@FunctionalInterface
public interface Finisher {
    /** @throws Exception when the bundle cannot be finished; it is then marked failed with the message */
    Shipment finish(Path bundle) throws Exception;
}
