/* Tests of the native unwinding core (memory map, ELF modules, DWARF CFI unwinder) against real crashes:
 * a SIGSEGV handler unwinds from the signal's ucontext exactly as the agent does, with the
 * async-signal-safe API only, then jumps back here where the results are checked (stdio is fine here).
 *
 * libunwindchain.so (test/unwind_chain.c) is built -O1 -fomit-frame-pointer: without CFI its frames
 * cannot be walked at all. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <link.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "arch.h"
#include "elf_image.h"
#include "memory_map.h"
#include "unwind.h"
#include "unwind_harness.h"

enum { CHAIN_WRITE_NULL = 0, CHAIN_CALL_NULL = 1, CHAIN_LIBC_BAD_POINTER = 2 };

#define MAX_ENTRIES 8192

/* Storage the handler uses: static, as the agent pre-allocates it. */
static map_entry entries[MAX_ENTRIES];
static char paths[512 * 1024];
static char scratch[8192];
memory_map map;
module_info modules[MAX_MODULES];
size_t module_count;

typedef struct {
    uintptr_t pc;
    uintptr_t sp;
    const module_info *module;
    const char *symbol;
    uintptr_t symbol_start;
} frame;

typedef struct {
    frame frames[MAX_FRAMES];
    size_t count;
    unwind_status stop;      /* what ended the walk (UNWIND_OK: ran out of frames) */
} walk;

static walk crash_walk;       /* from the signal's ucontext */
static walk handler_walk;     /* from inside the handler, through the signal trampoline */
static unwind_regs crash_regs;
unwind_regs chain_crash_regs;   /* crash_regs of the null store in chain_level3 */
static ucontext_t crash_context;
static int handler_map_failed;
static volatile sig_atomic_t walk_from_handler;
static sigjmp_buf back_to_test;

static int passed;
static int failed;

void check(int ok, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    printf("  %s: ", ok ? "ok  " : "FAIL");
    vprintf(fmt, args);
    printf("\n");
    va_end(args);
    if (ok)
        passed++;
    else
        failed++;
}

static int reset_map(memory_map *m, size_t capacity, char *scratch_buffer, size_t scratch_size) {
    memset(m, 0, sizeof(*m));
    m->entries = entries;
    m->capacity = capacity;
    m->paths = paths;
    m->paths_capacity = sizeof(paths);
    return memory_map_read(m, scratch_buffer, scratch_size);
}

int refresh_modules(void) {
    if (reset_map(&map, MAX_ENTRIES, scratch, sizeof(scratch)) != 0)
        return 0;
    module_count = module_list_build(&map, modules, MAX_MODULES);
    return 1;
}

/* ---- walking, as the agent does it -------------------------------------------------------- */

static void record_walk(unwind_regs regs, walk *w) {
    unwind_context ctx = {&map, modules, module_count};
    w->count = 0;
    w->stop = UNWIND_OK;
    while (w->count < MAX_FRAMES) {
        int first = w->count == 0;
        frame *f = &w->frames[w->count++];
        uintptr_t lookup = regs.pc_exact ? regs.pc : regs.pc - 1;
        f->pc = regs.pc;
        f->sp = regs.sp;
        f->module = module_list_find(modules, module_count, lookup);
        f->symbol = NULL;
        f->symbol_start = 0;
        if (f->module != NULL)
            elf_symbol_for(&map, f->module, lookup, &f->symbol, &f->symbol_start);
        unwind_status status = unwind_step(&ctx, &regs, first);
        if (status != UNWIND_OK) {
            w->stop = status;
            return;
        }
    }
}

static void crash_handler(int sig, siginfo_t *info, void *ucontext) {
    (void)sig;
    (void)info;
    handler_map_failed = !refresh_modules();
    if (!handler_map_failed) {
        crash_context = *(const ucontext_t *)ucontext;
        arch_regs_from_ucontext(ucontext, &crash_regs);
        record_walk(crash_regs, &crash_walk);
        if (walk_from_handler) {
            /* Our own registers: the walk must cross the kernel's signal frame (glibc's
             * __restore_rt, whose CFI is all DWARF expressions) back into the crashed chain. */
            ucontext_t here;
            unwind_regs regs;
            getcontext(&here);
            arch_regs_from_ucontext(&here, &regs);
            record_walk(regs, &handler_walk);
        }
    }
    siglongjmp(back_to_test, 1);
}

static int crash_chain(int mode, int also_walk_from_handler) {
    memset(&crash_walk, 0, sizeof(crash_walk));
    memset(&handler_walk, 0, sizeof(handler_walk));
    walk_from_handler = also_walk_from_handler;
    if (sigsetjmp(back_to_test, 1) == 0) {
        chain_level1(mode);
        return 0;  /* no crash */
    }
    return !handler_map_failed;
}

/* ---- helpers for checking ---------------------------------------------------------------------- */

static int ends_with(const char *text, const char *suffix) {
    size_t t = strlen(text);
    size_t s = strlen(suffix);
    return t >= s && strcmp(text + t - s, suffix) == 0;
}

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void print_walk(const char *title, const walk *w) {
    size_t i;
    printf("  %s:\n", title);
    for (i = 0; i < w->count; i++) {
        const frame *f = &w->frames[i];
        printf("    #%-2zu pc=0x%012lx sp=0x%012lx", i, (unsigned long)f->pc, (unsigned long)f->sp);
        if (f->module != NULL)
            printf("  %s+0x%lx", base_name(f->module->path), (unsigned long)(f->pc - f->module->base));
        if (f->symbol != NULL)
            printf("  %s+0x%lx", f->symbol, (unsigned long)(f->pc - f->symbol_start));
        printf("\n");
    }
    printf("    stop: %s\n", unwind_status_name(w->stop));
}

static int frame_is(const walk *w, size_t i, const char *symbol) {
    return i < w->count && w->frames[i].symbol != NULL && strcmp(w->frames[i].symbol, symbol) == 0;
}

/* Index of the first frame at or after `from` whose symbol is `symbol`, or -1. */
static long find_frame(const walk *w, size_t from, const char *symbol) {
    size_t i;
    for (i = from; i < w->count; i++) {
        if (frame_is(w, i, symbol))
            return (long)i;
    }
    return -1;
}

int main(void);

/* chain_level3, chain_level2, chain_level1 as consecutive frames starting at `first`, all in
 * libunwindchain.so with a build-id. */
static void check_chain_frames(const walk *w, size_t first, const char *what) {
    check(frame_is(w, first, "chain_level3") && frame_is(w, first + 1, "chain_level2") &&
              frame_is(w, first + 2, "chain_level1"),
          "%s: frames #%zu..#%zu are chain_level3, chain_level2, chain_level1", what, first, first + 2);
    const module_info *mod = first < w->count ? w->frames[first].module : NULL;
    check(mod != NULL && ends_with(mod->path, "/libunwindchain.so") && mod->build_id_len > 0,
          "%s: their module is libunwindchain.so with a build-id (%s, %zu bytes)", what,
          mod ? mod->path : "none", mod ? mod->build_id_len : (size_t)0);
    const module_info *executable = module_list_find(modules, module_count, (uintptr_t)main);
    check(first + 3 < w->count && executable != NULL && w->frames[first + 3].module == executable,
          "%s: the caller of chain_level1 is in the test executable", what);
}

/* ---- tests ------------------------------------------------------------------------------------- */

static void test_memory_map(void) {
    printf("memory map\n");
    check(refresh_modules(), "memory_map_read succeeds");
    check(map.count > 10 && !map.truncated, "%zu mappings read, not truncated", map.count);

    size_t i;
    int sorted = 1;
    for (i = 1; i < map.count; i++)
        sorted &= map.entries[i - 1].end <= map.entries[i].start;
    check(sorted, "entries are sorted and disjoint");

    int local = 0;
    const map_entry *stack = memory_map_find(&map, (uintptr_t)&local);
    check(stack != NULL && (stack->perms & (MAP_PERM_R | MAP_PERM_W)) == (MAP_PERM_R | MAP_PERM_W),
          "the stack variable's mapping is found and rw");
    check(memory_map_readable(&map, (uintptr_t)&passed, sizeof(passed)), "a static variable is readable");
    check(!memory_map_readable(&map, 0, 8) && !memory_map_readable(&map, 16, 1), "address 0 and 16 are not");
    check(!memory_map_readable(&map, UINTPTR_MAX - 3, 8), "a range wrapping around the address space is not");

    /* libc's first two mappings (r--p, r-xp) are adjacent: a read across the boundary is fine. */
    int spanned = 0;
    for (i = 1; i < map.count && !spanned; i++) {
        const map_entry *a = &map.entries[i - 1];
        const map_entry *b = &map.entries[i];
        if (a->end == b->start && (a->perms & MAP_PERM_R) && (b->perms & MAP_PERM_R) && !a->read_hazard &&
            !b->read_hazard)
            spanned = memory_map_readable(&map, a->end - 8, 16);
    }
    check(spanned, "a read across two adjacent readable mappings is readable");

    const map_entry *vvar = NULL;
    for (i = 0; i < map.count; i++) {
        if (strcmp(memory_map_path(&map, &map.entries[i]), "[vvar]") == 0)
            vvar = &map.entries[i];
    }
    check(vvar == NULL || (vvar->read_hazard && !memory_map_readable(&map, vvar->start, 8)),
          "[vvar] is never considered readable");

    /* A hole in the middle of three pages. */
    long page = sysconf(_SC_PAGESIZE);
    char *pages = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(pages + page, (size_t)page, PROT_NONE);
    /* A file whose name has spaces and parentheses, then deleted while mapped. */
    char file_name[128];
    snprintf(file_name, sizeof(file_name), "/tmp/crashcap unwind test (%d).bin", (int)getpid());
    int fd = open(file_name, O_RDWR | O_CREAT | O_TRUNC, 0600);
    char block[4096];
    memset(block, 'x', sizeof(block));
    ssize_t written = fd >= 0 ? write(fd, block, sizeof(block)) : -1;
    void *file_map = fd >= 0 ? mmap(NULL, sizeof(block), PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    unlink(file_name);
    if (fd >= 0)
        close(fd);
    refresh_modules();

    uintptr_t p = (uintptr_t)pages;
    check(memory_map_readable(&map, p, (size_t)page) && memory_map_readable(&map, p + 2 * (size_t)page, 8),
          "pages around a PROT_NONE hole are readable");
    check(!memory_map_readable(&map, p + (size_t)page - 8, 16) && !memory_map_readable(&map, p + (size_t)page, 1),
          "a read touching the PROT_NONE hole is not");

    const map_entry *mapped_file = file_map != MAP_FAILED ? memory_map_find(&map, (uintptr_t)file_map) : NULL;
    const char *mapped_path = mapped_file ? memory_map_path(&map, mapped_file) : "";
    check(written == (ssize_t)sizeof(block) && strcmp(mapped_path, file_name) == 0 && mapped_file->deleted,
          "path with spaces kept whole, the kernel's \" (deleted)\" taken off and kept as deleted: \"%s\"",
          mapped_path);
    const map_entry *own = memory_map_find(&map, (uintptr_t)&refresh_modules);
    check(own != NULL && !own->deleted, "a file still there is not deleted");
    check(mapped_file != NULL && mapped_file->perms == MAP_PERM_R && mapped_file->offset == 0 &&
              mapped_file->inode != 0,
          "its perms, offset and inode are parsed");
    if (file_map != MAP_FAILED)
        munmap(file_map, sizeof(block));
    munmap(pages, (size_t)page * 3);

    /* Running out of room must truncate, not fail or overflow. */
    memory_map small;
    check(reset_map(&small, 4, scratch, sizeof(scratch)) == 0 && small.count == 4 && small.truncated,
          "with room for 4 entries: 4 read and truncated is set");
    char tiny_scratch[128];
    int tiny_result = reset_map(&small, MAX_ENTRIES, tiny_scratch, sizeof(tiny_scratch));
    sorted = 1;
    for (i = 1; i < small.count; i++)
        sorted &= small.entries[i - 1].end <= small.entries[i].start;
    check(tiny_result == 0 && small.count > 10 && sorted,
          "a 128-byte line buffer still reads every mapping (%zu, long paths cut)", small.count);
    refresh_modules();
}

struct phdr_check {
    int objects;
    int matched;
    char mismatch[256];
};

/* Cross-checks load bias and .eh_frame_hdr against what the dynamic loader says. */
static int compare_with_loader(struct dl_phdr_info *info, size_t size, void *data) {
    struct phdr_check *result = data;
    uintptr_t first_load = 0;
    uintptr_t eh_frame_hdr = 0;
    int have_load = 0;
    int i;
    (void)size;
    for (i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && !have_load) {
            first_load = info->dlpi_addr + ph->p_vaddr;
            have_load = 1;
        }
        if (ph->p_type == PT_GNU_EH_FRAME)
            eh_frame_hdr = info->dlpi_addr + ph->p_vaddr;
    }
    if (!have_load)
        return 0;
    result->objects++;
    const module_info *mod = module_list_find(modules, module_count, first_load);
    if (mod != NULL && mod->is_elf && mod->load_bias == info->dlpi_addr && mod->eh_frame_hdr == eh_frame_hdr)
        result->matched++;
    else if (result->mismatch[0] == '\0')
        snprintf(result->mismatch, sizeof(result->mismatch), "%s", info->dlpi_name);
    return 0;
}

static void test_modules(void) {
    printf("modules\n");
    const module_info *chain = module_list_find(modules, module_count, (uintptr_t)chain_level2);
    check(chain != NULL && ends_with(chain->path, "/libunwindchain.so") && chain->is_elf,
          "libunwindchain.so is a module");
    if (chain != NULL) {
        char hex[2 * ELF_BUILD_ID_MAX + 1];
        size_t i;
        for (i = 0; i < chain->build_id_len; i++)
            snprintf(hex + 2 * i, 3, "%02x", chain->build_id[i]);
        hex[2 * chain->build_id_len] = '\0';
        check(chain->build_id_len >= 16, "its build-id: %s", hex);
        check(chain->eh_frame_hdr != 0 && chain->dynsym != 0 && chain->dynsym_count > 3,
              "its .eh_frame_hdr and .dynsym (%zu symbols) were found", chain->dynsym_count);
    }

    const char *name = NULL;
    uintptr_t start = 0;
    int found = chain != NULL && elf_symbol_for(&map, chain, (uintptr_t)chain_level2 + 2, &name, &start);
    check(found && strcmp(name, "chain_level2") == 0 && start == (uintptr_t)chain_level2,
          "chain_level2+2 is named chain_level2 (%s)", found ? name : "not found");

    const module_info *libc = module_list_find(modules, module_count, (uintptr_t)getpid);
    found = libc != NULL && elf_symbol_for(&map, libc, (uintptr_t)getpid, &name, &start);
    check(found && strstr(name, "getpid") != NULL && start == (uintptr_t)getpid,
          "getpid in libc is named from .dynsym (%s)", found ? name : "not found");
    found = chain != NULL && elf_symbol_for(&map, chain, chain->base + 1, &name, &start);
    check(!found, "the ELF header of a module has no symbol");

    const module_info *vdso = NULL;
    size_t i;
    for (i = 0; i < module_count; i++) {
        if (strcmp(modules[i].path, "[vdso]") == 0)
            vdso = &modules[i];
    }
    check(vdso != NULL && vdso->is_elf && vdso->base == getauxval(AT_SYSINFO_EHDR) && vdso->eh_frame_hdr != 0 &&
              vdso->dynsym_count > 0,
          "[vdso] is a module with CFI and %zu dynamic symbols", vdso ? vdso->dynsym_count : (size_t)0);

    struct phdr_check result;
    memset(&result, 0, sizeof(result));
    dl_iterate_phdr(compare_with_loader, &result);
    check(result.objects > 3 && result.matched == result.objects,
          "load bias and .eh_frame_hdr agree with dl_iterate_phdr for %d of %d objects%s%s", result.matched,
          result.objects, result.mismatch[0] ? ", first mismatch: " : "", result.mismatch);
}

static void test_crash_in_chain(void) {
    printf("crash: store through a null pointer in chain_level3 (frame-pointer-less code)\n");
    check(crash_chain(CHAIN_WRITE_NULL, 1), "crashed and unwound in the handler");
    print_walk("from the ucontext", &crash_walk);
    check_chain_frames(&crash_walk, 0, "ucontext walk");
    check(crash_walk.frames[0].pc == crash_regs.pc, "frame 0 is the faulting instruction");
    chain_crash_regs = crash_regs;
    check(crash_walk.stop == UNWIND_END, "the walk ends at the outermost frame (stop: %s)",
          unwind_status_name(crash_walk.stop));

    print_walk("from inside the handler, through the signal frame", &handler_walk);
    long level3 = find_frame(&handler_walk, 0, "chain_level3");
    check(level3 >= 2, "the handler walk crosses the signal trampoline into chain_level3 (frame #%ld)", level3);
    if (level3 >= 2) {
        const frame *trampoline = &handler_walk.frames[level3 - 1];
        check(trampoline->module != NULL && strstr(trampoline->module->path, "libc.so") != NULL,
              "the frame before it is the trampoline in libc");
        check_chain_frames(&handler_walk, (size_t)level3, "handler walk");
        size_t i;
        int same = 1;
        for (i = 0; i < crash_walk.count && (size_t)level3 + i < handler_walk.count; i++) {
            same &= handler_walk.frames[level3 + i].pc == crash_walk.frames[i].pc &&
                    handler_walk.frames[level3 + i].sp == crash_walk.frames[i].sp;
        }
        check(same && handler_walk.count - (size_t)level3 == crash_walk.count && handler_walk.stop == crash_walk.stop,
              "beyond the signal frame both walks are identical (pc and sp of every frame)");
    }

    size_t i;
    const char *rip_name = ARCH_DWARF_PC == 16 ? "rip" : "pc";
    uintptr_t dumped_pc = 0;
    int names_ok = arch_register_count() > 0;
    for (i = 0; i < arch_register_count(); i++) {
        names_ok &= arch_register_name(i)[0] != '\0';
        if (strcmp(arch_register_name(i), rip_name) == 0)
            dumped_pc = arch_register_value(&crash_context, i);
    }
    check(names_ok && dumped_pc == crash_regs.pc, "register dump: %zu registers, %s matches the pc",
          arch_register_count(), rip_name);
}

static void test_call_through_null(void) {
    printf("crash: call through a null function pointer in chain_level3\n");
    check(crash_chain(CHAIN_CALL_NULL, 0), "crashed and unwound in the handler");
    print_walk("from the ucontext", &crash_walk);
    check(crash_walk.count > 0 && crash_walk.frames[0].pc == 0 && crash_walk.frames[0].module == NULL,
          "frame 0 is pc 0, in no module");
    check_chain_frames(&crash_walk, 1, "bad-pc walk");
    check(crash_walk.stop == UNWIND_END, "the walk ends at the outermost frame (stop: %s)",
          unwind_status_name(crash_walk.stop));
}

static void test_crash_in_libc(void) {
    printf("crash: strlen on an unmapped address, called from chain_level3\n");
    check(crash_chain(CHAIN_LIBC_BAD_POINTER, 0), "crashed and unwound in the handler");
    print_walk("from the ucontext", &crash_walk);
    const module_info *mod = crash_walk.count > 0 ? crash_walk.frames[0].module : NULL;
    check(mod != NULL && strstr(mod->path, "libc.so") != NULL, "frame 0 is in libc (%s)", mod ? mod->path : "none");
    check_chain_frames(&crash_walk, 1, "libc walk");
    check(crash_walk.stop == UNWIND_END, "the walk ends at the outermost frame (stop: %s)",
          unwind_status_name(crash_walk.stop));
}

static void test_status_names(void) {
    printf("status names\n");
    static const char *const expected[] = {"ok", "end", "no-module", "no-cfi", "bad-cfi", "bad-memory", "no-progress"};
    int ok = 1;
    size_t i;
    for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
        ok &= strcmp(unwind_status_name((unwind_status)i), expected[i]) == 0;
    check(ok, "ok, end, no-module, no-cfi, bad-cfi, bad-memory, no-progress");
}

int main(void) {
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = crash_handler;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGSEGV, &action, NULL) != 0 || sigaction(SIGBUS, &action, NULL) != 0) {
        perror("unwind_test: sigaction");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    test_memory_map();
    test_modules();
    test_crash_in_chain();
    test_call_through_null();
    test_crash_in_libc();

    /* From here on a SIGSEGV is a bug in the unwinder: let it kill the test. */
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    test_robustness();
    test_eh_frame_hdr_variants();
    test_status_names();

    printf("unwind_test: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
