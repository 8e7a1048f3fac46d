package dev.crashcap.bundle;

/** A Java object used as a lock: its class and identity hash code (hex, {@code "0x1b6d3586"}), as jstack names it. */
public record JavaLock(String className, String identityHash) {

    /** {@code java.lang.Object@0x1b6d3586}. */
    @Override
    public String toString() {
        return className + "@" + identityHash;
    }
}
