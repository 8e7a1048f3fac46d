package dev.crashcap.collector;

import java.util.List;

/** A way to a collector. Implementations never throw for network trouble: they answer {@link Outcome#retry}. */
public interface Transport {
    Outcome send(Shipment shipment);

    /** What {@link #send} would send, for {@code --dry-run}: lines without any secret. */
    List<String> describe(Shipment shipment);
}
