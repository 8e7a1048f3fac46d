package dev.crashcap.collector;

/**
 * Where a bundle is on its way to a collector. {@code new}: written by the dying process, not finished yet;
 * {@code pending}: finished and packed, waiting to be (re)sent; {@code sent}: the collector confirmed it;
 * {@code failed}: the collector refused it for good (the reason is kept); {@code suppressed}: not sent because its
 * crash signature exceeded the crash-loop limit (the count is kept); {@code damaged}: its {@code spool.state} cannot
 * be read (edited by hand, garbage); it is handled as pending (sending again is safe, losing the bundle is not), and
 * shown as what it is. {@code sent}, {@code failed} and {@code suppressed} are final.
 */
public enum SpoolState {
    NEW, PENDING, SENT, FAILED, SUPPRESSED, DAMAGED;

    /** The name in state files, docs and {@code crashcap list}. */
    public String label() {
        return name().toLowerCase();
    }

    public boolean isFinal() {
        return this == SENT || this == FAILED || this == SUPPRESSED;
    }

    static SpoolState fromLabel(String label) {
        for (SpoolState state : values()) {
            if (state.label().equals(label)) {
                return state;
            }
        }
        return null;
    }
}
