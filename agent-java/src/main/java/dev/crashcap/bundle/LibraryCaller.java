package dev.crashcap.bundle;

/**
 * The Java code that asked for a native library ({@code library} line of the capture): the innermost class on
 * the loading thread's stack that is not class-loading plumbing, and where that class came from (a jar or
 * folder URL; empty for JDK classes).
 */
public record LibraryCaller(String javaClass, String jar) {
}
