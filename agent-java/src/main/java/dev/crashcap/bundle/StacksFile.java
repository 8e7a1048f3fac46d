package dev.crashcap.bundle;

import dev.crashcap.collector.BundleFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bundle's {@code stacks.bin} (docs/capture-format.md, "stacks.bin"): each thread's registers as its signal found
 * them and the top of its stack, and a few {@code /proc} files of the process, written by the signal handler for
 * minidumps. A file cut off (a second fault, a full disk) gives the threads it holds whole and {@code complete}
 * false.
 */
public record StacksFile(int machine, List<ThreadContext> threads, Map<Integer, byte[]> procFiles, boolean complete) {
    public static final String NAME = "stacks.bin";
    /** ELF e_machine of x86_64: the register layout below is its {@code gregset_t}. */
    public static final int EM_X86_64 = 62;
    /** The {@code which} of each /proc file in the file. */
    public static final int MAPS = 1, STATUS = 2, AUXV = 3, CPU_PRESENT = 4, KERNEL_VERSION = 5;

    // 65,536 threads with 32 KiB each and the crashing one's 256 KiB fit; a larger file is not a capture's
    private static final long MAX_BYTES = 4L * 1024 * 1024 * 1024 - 1;
    private static final int PROC_RECORD = 0x434F5250;

    /**
     * One thread: {@code registers} are the kernel's {@code gregset_t} words (x86_64: r8..r15, rdi, rsi, rbp, rbx,
     * rdx, rax, rcx, rsp, rip, eflags, csgsfs, err, trapno, oldmask, cr2), {@code fpState} its FXSAVE area (empty
     * when the kernel gave none), {@code stack} the bytes copied from {@code stackStart} up.
     */
    public record ThreadContext(long tid, boolean crashing, long[] registers, byte[] fpState, long stackStart,
            byte[] stack) {
        public boolean hasRegisters() {
            return registers.length > 0;
        }
    }

    /** The stacks file of a bundle directory, or null when it has none (an older agent, or a capture cut off before). */
    public static StacksFile read(Path bundleDirectory) throws BundleException {
        Path file = bundleDirectory.resolve(NAME);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new BundleException(file + " is larger than any capture writes: not a stacks file");
            }
            return parse(BundleFiles.read(file, Integer.MAX_VALUE - 8), file);
        } catch (IOException e) {
            throw new BundleException("cannot read " + file + ": " + e.getMessage());
        }
    }

    static StacksFile parse(byte[] bytes, Path file) throws BundleException {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 16 || !new String(bytes, 0, 8, StandardCharsets.ISO_8859_1).equals("CCSTACKS")) {
            throw new BundleException(file + " is not a crashcap stacks file");
        }
        in.position(8);
        int version = in.getInt();
        int machine = in.getInt();
        if (version != 1) {
            throw new BundleException(file + " has version " + version + "; this crashcap reads version 1");
        }
        List<ThreadContext> threads = new ArrayList<>();
        Map<Integer, byte[]> procFiles = new LinkedHashMap<>();
        boolean complete = false;
        try {
            while (in.remaining() >= 8) {
                if (isEndMark(bytes, in.position())) {
                    complete = true;
                    break;
                }
                int first = in.getInt();
                if (first == PROC_RECORD) {
                    int which = in.getInt();
                    ByteArrayOutputStream content = new ByteArrayOutputStream();
                    for (int length = in.getInt(); length != 0; length = in.getInt()) {
                        content.write(take(in, length), 0, length);
                    }
                    procFiles.put(which, content.toByteArray());
                } else {
                    threads.add(thread(in, Integer.toUnsignedLong(first)));
                }
            }
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            complete = false; // cut off inside a record: the records before it stand
        }
        return new StacksFile(machine, List.copyOf(threads), procFiles, complete);
    }

    private static ThreadContext thread(ByteBuffer in, long tid) {
        int flags = in.getInt();
        int words = in.getInt();
        int fpBytes = in.getInt();
        long start = in.getLong();
        long length = in.getLong();
        if (words < 0 || words > 64 || fpBytes < 0 || fpBytes > 4096 || length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("damaged record");
        }
        long[] registers = new long[words];
        for (int i = 0; i < words; i++) {
            registers[i] = in.getLong();
        }
        byte[] fp = take(in, fpBytes);
        byte[] stack = take(in, (int) length);
        return new ThreadContext(tid, (flags & 1) != 0, registers, fp, start, stack);
    }

    private static byte[] take(ByteBuffer in, int length) {
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("damaged record");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static boolean isEndMark(byte[] bytes, int at) {
        return new String(bytes, at, 8, StandardCharsets.ISO_8859_1).equals("CCSTKEND");
    }

    /** The record of a thread, or null. */
    public ThreadContext thread(long tid) {
        for (ThreadContext thread : threads) {
            if (thread.tid() == tid) {
                return thread;
            }
        }
        return null;
    }
}
