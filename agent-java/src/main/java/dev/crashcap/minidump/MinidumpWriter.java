package dev.crashcap.minidump;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleException;
import dev.crashcap.bundle.Crash;
import dev.crashcap.bundle.Header;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.StacksFile;
import dev.crashcap.bundle.ThreadInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A bundle as a standard minidump, in the layout of Breakpad's minidump_format.h and Crashpad's writers (packed
 * lists as Microsoft defines them, no padding after a list's count), so that lldb, Breakpad's and rust-minidump's
 * stackwalkers, Crashpad's tools and Sentry read it. docs/ship.md ("Minidumps") lists the streams field by field.
 * Registers and stack memory come from the bundle's stacks.bin; a bundle without it still gives a minidump, with
 * the crashing thread's registers from capture.txt and every other thread's first pc and stack pointer.
 */
public final class MinidumpWriter {
    static final int SIGNATURE = 0x504d444d;             // 'MDMP'
    static final int VERSION = 0xa793;                   // MD_HEADER_VERSION
    static final int THREAD_LIST = 3, MODULE_LIST = 4, MEMORY_LIST = 5, EXCEPTION = 6, SYSTEM_INFO = 7;
    static final int LINUX_PROC_STATUS = 0x47670004, LINUX_CMD_LINE = 0x47670006, LINUX_ENVIRON = 0x47670007,
            LINUX_AUXV = 0x47670008, LINUX_MAPS = 0x47670009;
    static final int CPU_ARCHITECTURE_AMD64 = 9;
    static final int OS_LINUX = 0x8201;
    static final int CV_ELF_SIGNATURE = 0x4270454c;      // 'BpEL': MDCVInfoELF
    static final int MODULE_SIZE = 108, THREAD_SIZE = 48, MEMORY_DESCRIPTOR_SIZE = 16;

    private final Output out = new Output();
    private final List<int[]> directory = new ArrayList<>(); // {stream type, size, rva}

    private MinidumpWriter() {
    }

    /** The minidump of a bundle; refused (one line) for bundles of another processor than x86_64. */
    public static byte[] write(Bundle bundle, StacksFile stacks) throws BundleException {
        if (stacks != null && stacks.machine() != StacksFile.EM_X86_64) {
            throw new BundleException("minidumps are written for x86_64 bundles only; this one is of ELF machine "
                    + stacks.machine());
        }
        String arch = bundle.header().osArch();
        if (arch != null && !arch.equals("amd64") && !arch.equals("x86_64")) {
            throw new BundleException("minidumps are written for x86_64 bundles only; this one is " + arch);
        }
        return new MinidumpWriter().render(bundle, stacks);
    }

    /** The minidump of a bundle as read, with the stacks.bin of its directory when it has one. */
    public static byte[] of(Bundle bundle) throws BundleException {
        return write(bundle, bundle.directory() != null ? StacksFile.read(bundle.directory()) : null);
    }

    private byte[] render(Bundle bundle, StacksFile stacks) {
        int streams = 7 + (stacks != null ? 3 : 0) - (bundle.isSnapshot() ? 1 : 0);
        out.zeros(32);                                            // MDRawHeader, written last
        int directoryRva = out.position();
        out.zeros(streams * 12);                                  // MDRawDirectory[streams]
        List<ThreadInfo> threads = bundle.threads();
        int[] contexts = new int[threads.size()];
        long[][] stackRanges = new long[threads.size()][];        // {start, size, rva}
        for (int i = 0; i < threads.size(); i++) {
            ThreadInfo thread = threads.get(i);
            StacksFile.ThreadContext saved = stacks != null && thread.tid() != null ? stacks.thread(thread.tid()) : null;
            out.align(16);
            contexts[i] = out.position();
            if (saved != null && saved.hasRegisters()) {
                Amd64Context.write(out, saved);
            } else {
                Amd64Context.write(out, namedRegisters(thread));
            }
            out.align(16);
            int rva = out.position();
            byte[] stack = saved != null ? saved.stack() : new byte[0];
            out.bytes(stack);
            stackRanges[i] = new long[] {saved != null && stack.length > 0 ? saved.stackStart() : 0, stack.length, rva};
        }
        threadList(threads, contexts, stackRanges);
        moduleList(bundle.modules());
        memoryList(stackRanges);
        if (!bundle.isSnapshot()) {
            exception(bundle.crash(), threads, contexts);
        }
        systemInfo(bundle.header(), stacks);
        stream(LINUX_CMD_LINE, nulTerminated(bundle.header().args()));
        stream(LINUX_ENVIRON, environ(bundle.header().env()));
        if (stacks != null) {
            stream(LINUX_MAPS, stacks.procFiles().getOrDefault(StacksFile.MAPS, new byte[0]));
            stream(LINUX_PROC_STATUS, stacks.procFiles().getOrDefault(StacksFile.STATUS, new byte[0]));
            stream(LINUX_AUXV, stacks.procFiles().getOrDefault(StacksFile.AUXV, new byte[0]));
        }
        if (directory.size() != streams) {
            throw new IllegalStateException(directory.size() + " streams written, " + streams + " announced");
        }
        for (int i = 0; i < directory.size(); i++) {              // MDRawDirectory: stream_type, data_size, rva
            int[] entry = directory.get(i);
            int at = directoryRva + i * 12;
            out.patchU32(at, entry[0]);
            out.patchU32(at + 4, entry[1]);
            out.patchU32(at + 8, entry[2]);
        }
        Long time = bundle.crash().timeEpochMillis();
        out.patchU32(0, SIGNATURE);                               // signature
        out.patchU32(4, VERSION);                                 // version
        out.patchU32(8, directory.size());                        // stream_count
        out.patchU32(12, directoryRva);                           // stream_directory_rva
        out.patchU32(16, 0);                                      // checksum
        out.patchU32(20, time != null ? time / 1000 : 0);         // time_date_stamp; flags (u64) stay 0: MD_NORMAL
        return out.toByteArray();
    }

    /** The registers capture.txt names (the crashing thread's), else rip and rsp from the thread's first frame. */
    private static Map<String, Long> namedRegisters(ThreadInfo thread) {
        if (!thread.registers().isEmpty()) {
            return thread.registers();
        }
        Map<String, Long> registers = new HashMap<>();
        NativeFrame top = thread.topNativeFrame();
        if (top != null) {
            registers.put("rip", top.pc());
        }
        if (thread.stackPointer() != null) {
            registers.put("rsp", thread.stackPointer());
        }
        return registers;
    }

    private void threadList(List<ThreadInfo> threads, int[] contexts, long[][] stacks) {
        int start = begin();
        out.u32(threads.size());                                  // number_of_threads
        for (int i = 0; i < threads.size(); i++) {                // MDRawThread
            Long tid = threads.get(i).tid();
            out.u32(tid != null ? tid : 0);                       // thread_id
            out.u32(0);                                           // suspend_count
            out.u32(0);                                           // priority_class
            out.u32(0);                                           // priority
            out.u64(0);                                           // teb
            memoryDescriptor(stacks[i]);                          // stack
            out.u32(Amd64Context.SIZE);                           // thread_context.data_size
            out.u32(contexts[i]);                                 // thread_context.rva
        }
        end(THREAD_LIST, start);
    }

    private void memoryDescriptor(long[] range) {
        out.u64(range[0]);                                        // start_of_memory_range
        out.u32(range[1]);                                        // memory.data_size
        out.u32(range[2]);                                        // memory.rva
    }

    private void moduleList(List<LoadedModule> modules) {
        int[] names = new int[modules.size()];
        int[] codeViews = new int[modules.size()];
        int[] codeViewSizes = new int[modules.size()];
        for (int i = 0; i < modules.size(); i++) {
            LoadedModule module = modules.get(i);
            names[i] = out.string(module.path());
            if (module.buildId() != null && !module.buildId().isEmpty()) {
                byte[] buildId = HexFormat.of().parseHex(module.buildId());
                out.align(4);
                codeViews[i] = out.position();
                out.u32(CV_ELF_SIGNATURE);                        // MDCVInfoELF.cv_signature
                out.bytes(buildId);                               // build_id
                codeViewSizes[i] = 4 + buildId.length;
            }
        }
        out.align(4);
        int start = begin();
        out.u32(modules.size());                                  // number_of_modules
        for (int i = 0; i < modules.size(); i++) {                // MDRawModule, 108 bytes
            LoadedModule module = modules.get(i);
            out.u64(module.base());                               // base_of_image
            out.u32(module.size());                               // size_of_image
            out.u32(0);                                           // checksum
            out.u32(0);                                           // time_date_stamp
            out.u32(names[i]);                                    // module_name_rva
            out.zeros(13 * 4);                                    // version_info (MDVSFixedFileInfo): unknown
            out.u32(codeViewSizes[i]);                            // cv_record.data_size
            out.u32(codeViews[i]);                                // cv_record.rva
            out.u32(0);                                           // misc_record.data_size
            out.u32(0);                                           // misc_record.rva
            out.zeros(4 * 4);                                     // reserved0[2], reserved1[2]
        }
        end(MODULE_LIST, start);
    }

    private void memoryList(long[][] stacks) {
        int start = begin();
        int count = 0;
        for (long[] range : stacks) {
            count += range[1] > 0 ? 1 : 0;
        }
        out.u32(count);                                           // number_of_memory_ranges
        for (long[] range : stacks) {                             // the thread stacks again, as Breakpad lists them
            if (range[1] > 0) {
                memoryDescriptor(range);
            }
        }
        end(MEMORY_LIST, start);
    }

    private void exception(Crash crash, List<ThreadInfo> threads, int[] contexts) {
        int context = 0;
        for (int i = 0; i < threads.size(); i++) {
            if (threads.get(i).tid() != null && threads.get(i).tid().equals(crash.tid())) {
                context = contexts[i];
            }
        }
        int start = begin();
        out.u32(crash.tid() != null ? crash.tid() : 0);           // thread_id
        out.u32(0);                                               // __align
        out.u32(crash.signalNumber() != null ? crash.signalNumber() : 0); // exception_code: the signal
        out.u32(crash.signalCode() != null ? crash.signalCode() : 0);     // exception_flags: si_code
        out.u64(0);                                               // exception_record
        out.u64(crash.signalAddress() != null ? crash.signalAddress() : 0); // exception_address: si_addr
        out.u32(0);                                               // number_parameters
        out.u32(0);                                               // __align
        out.zeros(15 * 8);                                        // exception_information[15]
        out.u32(context != 0 ? Amd64Context.SIZE : 0);            // thread_context.data_size
        out.u32(context);                                         // thread_context.rva
        end(EXCEPTION, start);
    }

    private void systemInfo(Header header, StacksFile stacks) {
        String release = header.osVersion() != null ? header.osVersion() : "";
        String kernelVersion = stacks != null ? text(stacks.procFiles().get(StacksFile.KERNEL_VERSION)) : "";
        String uname = String.join(" ", List.of("Linux", release, kernelVersion, "x86_64").stream()
                .filter(part -> !part.isEmpty()).toList()); // uname -srvm, as Breakpad's Linux writer puts it
        int csd = out.string(uname);
        int[] version = kernelNumbers(release);
        out.align(4);
        int start = begin();
        out.u16(CPU_ARCHITECTURE_AMD64);                          // processor_architecture
        out.u16(0);                                               // processor_level: unknown (no cpuid taken)
        out.u16(0);                                               // processor_revision
        out.u8(Math.min(255, cpuCount(stacks)));                  // number_of_processors
        out.u8(0);                                                // product_type
        out.u32(version[0]);                                      // major_version
        out.u32(version[1]);                                      // minor_version
        out.u32(version[2]);                                      // build_number
        out.u32(OS_LINUX);                                        // platform_id
        out.u32(csd);                                             // csd_version_rva
        out.u16(0);                                               // suite_mask
        out.u16(0);                                               // reserved2
        out.zeros(24);                                            // cpu (MDCPUInformation): unknown
        end(SYSTEM_INFO, start);
    }

    /** CPUs from /sys/devices/system/cpu/present ("0-3", "0,2-5"), as Breakpad counts them; 0 when unknown. */
    static int cpuCount(StacksFile stacks) {
        String present = stacks != null ? text(stacks.procFiles().get(StacksFile.CPU_PRESENT)) : "";
        int count = 0;
        for (String part : present.split(",")) {
            try {
                String[] range = part.trim().split("-");
                count += range.length == 2 ? Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1
                        : part.isBlank() ? 0 : 1;
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return count;
    }

    /** 6.1.0-18-amd64 → 6, 1, 0. */
    static int[] kernelNumbers(String release) {
        int[] numbers = new int[3];
        String[] parts = release.split("[^0-9]", -1);
        for (int i = 0, n = 0; i < parts.length && n < 3; i++) {
            if (parts[i].isEmpty()) {
                break;
            }
            try {
                numbers[n++] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                break;
            }
        }
        return numbers;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8).trim();
    }

    /** /proc/<pid>/cmdline's form: each argument followed by a NUL. The header's arguments are redacted already. */
    static byte[] nulTerminated(List<String> items) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String item : items) {
            bytes.writeBytes(item.getBytes(StandardCharsets.UTF_8));
            bytes.write(0);
        }
        return bytes.toByteArray();
    }

    /** /proc/<pid>/environ's form, NAME=value NUL each, from the header's redacted environment. */
    static byte[] environ(Map<String, String> env) {
        List<String> items = new ArrayList<>();
        env.forEach((name, value) -> items.add(name + "=" + value));
        return nulTerminated(items);
    }

    private void stream(int type, byte[] content) {
        out.align(4);
        int start = begin();
        out.bytes(content);
        end(type, start);
    }

    private int begin() {
        return out.position();
    }

    private void end(int type, int start) {
        directory.add(new int[] {type, out.position() - start, start});
    }
}
