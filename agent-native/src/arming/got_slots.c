#include "got_slots.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch.h"

size_t got_find_slots(const struct dl_phdr_info *info, const char *symbol, uintptr_t *slots, size_t max) {
    const ElfW(Dyn) *dynamic = NULL;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type == PT_DYNAMIC) dynamic = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    }
    if (dynamic == NULL) return 0;
    const ElfW(Sym) *symbols = NULL;
    const char *strings = NULL;
    const ElfW(Rela) *jump_relocs = NULL, *relocs = NULL;
    size_t jump_bytes = 0, reloc_bytes = 0;
    for (const ElfW(Dyn) *d = dynamic; d->d_tag != DT_NULL; d++) {
        /* glibc relocates these addresses in place on x86_64 and aarch64; be safe if it did not. */
        uintptr_t address = d->d_un.d_ptr < info->dlpi_addr ? info->dlpi_addr + d->d_un.d_ptr : d->d_un.d_ptr;
        switch (d->d_tag) {
        case DT_SYMTAB: symbols = (const ElfW(Sym) *)address; break;
        case DT_STRTAB: strings = (const char *)address; break;
        case DT_JMPREL: jump_relocs = (const ElfW(Rela) *)address; break;
        case DT_PLTRELSZ: jump_bytes = d->d_un.d_val; break;
        case DT_RELA: relocs = (const ElfW(Rela) *)address; break;
        case DT_RELASZ: reloc_bytes = d->d_un.d_val; break;
        }
    }
    if (symbols == NULL || strings == NULL) return 0;
    const ElfW(Rela) *tables[2] = { jump_relocs, relocs };
    size_t counts[2] = { jump_bytes / sizeof(ElfW(Rela)), reloc_bytes / sizeof(ElfW(Rela)) };
    size_t found = 0;
    for (int t = 0; t < 2; t++) {
        for (size_t i = 0; tables[t] != NULL && i < counts[t] && found < max; i++) {
            unsigned type = (unsigned)ELF64_R_TYPE(tables[t][i].r_info);
            if (type != ARCH_R_JUMP_SLOT && type != ARCH_R_GLOB_DAT) continue;
            const ElfW(Sym) *entry = &symbols[ELF64_R_SYM(tables[t][i].r_info)];
            if (strcmp(strings + entry->st_name, symbol) == 0) slots[found++] = info->dlpi_addr + tables[t][i].r_offset;
        }
    }
    return found;
}

int got_module_contains(const struct dl_phdr_info *info, uintptr_t address) {
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + segment->p_vaddr;
        if (segment->p_type == PT_LOAD && address >= start && address < start + segment->p_memsz) return 1;
    }
    return 0;
}

struct got_mapping {
    uintptr_t start, end;
    int protection;
};

/* /proc/self/maps into maps (not a handler: stdio and malloc are fine). */
static void load_maps(got_maps *maps) {
    maps->loaded = 1;
    FILE *file = fopen("/proc/self/maps", "re"); /* arming time or a hook in normal context, never a handler */
    if (file == NULL) return;
    size_t capacity = 0;
    char line[512];
    while (fgets(line, sizeof line, file) != NULL) {
        unsigned long start, end;
        char perms[5];
        if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) != 3) continue;
        if (maps->count == capacity) {
            size_t bigger = capacity == 0 ? 1024 : capacity * 2;
            struct got_mapping *grown = realloc(maps->entries, bigger * sizeof *grown); /* normal context */
            if (grown == NULL) break;
            maps->entries = grown;
            capacity = bigger;
        }
        maps->entries[maps->count++] = (struct got_mapping){
            start, end,
            (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) | (perms[2] == 'x' ? PROT_EXEC : 0)
        };
    }
    fclose(file);
}

void got_maps_release(got_maps *maps) {
    free(maps->entries);
    *maps = (got_maps){ 0 };
}

/* The protection of the mapping holding address, or -1 if none does. */
static int protection_of(got_maps *maps, uintptr_t address) {
    got_maps once = { 0 };
    got_maps *used = maps != NULL ? maps : &once;
    if (!used->loaded) load_maps(used);
    int protection = -1;
    for (size_t i = 0; i < used->count && protection < 0; i++) {
        if (address >= used->entries[i].start && address < used->entries[i].end) protection = used->entries[i].protection;
    }
    if (maps == NULL) got_maps_release(&once);
    return protection;
}

int got_write_slot(got_maps *maps, uintptr_t slot, void *value) {
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = slot & ~(uintptr_t)(page - 1);
    int original = protection_of(maps, start);
    if (original < 0 || !(original & PROT_WRITE)) {
        if (mprotect((void *)start, (size_t)page, PROT_READ | PROT_WRITE) != 0) return -1;
    }
    __atomic_store_n((void **)slot, value, __ATOMIC_RELEASE);
    if (original >= 0 && !(original & PROT_WRITE)) mprotect((void *)start, (size_t)page, original);
    return 0;
}
