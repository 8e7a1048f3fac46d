package dev.crashcap.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JvmKindTest {
    @Test
    void toldFromMappedLibraries() {
        assertEquals(JvmKind.HOTSPOT, JvmKind.of(
                "7f1c2a000000-7f1c2b000000 r-xp 00000000 08:01 123 /usr/lib/jvm/java-17/lib/server/libjvm.so\n"));
        assertEquals(JvmKind.OPENJ9, JvmKind.of("7f00-7f01 r-xp 0 0:0 1 /opt/j9/lib/default/libj9vm29.so\n"
                + "7f02-7f03 r-xp 0 0:0 1 /opt/j9/lib/server/libjvm.so\n"));
        assertEquals(JvmKind.NOT_A_JVM, JvmKind.of("55d0-55d1 r-xp 0 0:0 1 /usr/bin/sleep\n"));
    }
}
