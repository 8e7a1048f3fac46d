# cmake -DFILE=<path> [-DJAVA_FILE=<path>] -P sha256.cmake: writes <path>.sha256, the file's SHA-256 in hex. crashcap.jar
# carries it next to libcrashcap.so, which the agent keeps on disk under that name (agent-java LibraryCache): computed
# here, at build time, so that no digest is computed at JVM start-up. With JAVA_FILE (Maven passes it), the same digest
# as a Java constant (dev.crashcap.agent.LibraryHash), compiled into the agent: premain then reads no jar entry for it.
file(SHA256 "${FILE}" digest)
file(WRITE "${FILE}.sha256" "${digest}\n")
if(JAVA_FILE)
  file(WRITE "${JAVA_FILE}" "package dev.crashcap.agent;

/** Generated at build time by agent-native/sha256.cmake: the SHA-256 of the libcrashcap.so this jar carries. */
final class LibraryHash {
    static final String SHA256 = \"${digest}\";

    private LibraryHash() {}
}
")
endif()
