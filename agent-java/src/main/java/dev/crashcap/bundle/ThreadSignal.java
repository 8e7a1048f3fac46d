package dev.crashcap.bundle;

/**
 * The fatal signal one thread received. The first crashing thread's comes from the {@code crash} section; a thread
 * that crashed too while the capture ran has its own in its {@code thread} section. Any field may be null.
 */
public record ThreadSignal(Integer number, String name, String codeName, Long address) {
}
