package dev.crashcap.bundle;

import java.util.List;

/**
 * One Java thread's locks in a snapshot ({@code locks.txt}): those it holds, and the one it waits for (to enter a
 * monitor, in Object.wait, or parked on a synchronizer), with that lock's owner where there is one. {@code waitingOn},
 * {@code ownerId} and {@code ownerName} may be null.
 */
public record ThreadLocks(long javaId, String name, String state, List<JavaLock> held, JavaLock waitingOn,
        Long ownerId, String ownerName) {

    /** The facts a person compares: two threads with the same name and these are indistinguishable for locks. */
    boolean sameLocksAs(ThreadLocks other) {
        return held.equals(other.held) && java.util.Objects.equals(waitingOn, other.waitingOn)
                && java.util.Objects.equals(ownerName, other.ownerName);
    }
}
