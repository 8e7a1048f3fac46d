# cmake -DFILE=<path> -P sha256.cmake: writes <path>.sha256, the file's SHA-256 in hex. crashcap.jar carries it next
# to libcrashcap.so, which the agent keeps on disk under that name (agent-java LibraryCache): computed here, at
# build time, so that no digest is computed at JVM start-up.
file(SHA256 "${FILE}" digest)
file(WRITE "${FILE}.sha256" "${digest}\n")
