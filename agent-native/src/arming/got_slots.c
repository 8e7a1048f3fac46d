#include "got_slots.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch.h"
#include "scratch_map.h"

size_t got_find_slots(const struct dl_phdr_info *info, const char *symbol, uintptr_t *slots, size_t max) {
    const ElfW(Dyn) *dynamic = NULL;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type == PT_DYNAMIC) dynamic = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    }
    if (dynamic == NULL) return 0;
    const ElfW(Sym) *symbols = NULL;
    const char *strings = NULL;
    const ElfW(Rela) *jump_relocs = NULL, *relocs = NULL;
    size_t jump_bytes = 0, reloc_bytes = 0, relative_count = 0;
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
        case DT_RELACOUNT: relative_count = d->d_un.d_val; break;
        }
    }
    if (symbols == NULL || strings == NULL) return 0;
    const ElfW(Rela) *tables[2] = { jump_relocs, relocs };
    size_t counts[2] = { jump_bytes / sizeof(ElfW(Rela)), reloc_bytes / sizeof(ElfW(Rela)) };
    /* DT_RELACOUNT says that many R_*_RELATIVE relocations come first in DT_RELA (the linker sorts them there;
     * glibc's loader relies on it too). They name no symbol: skipped unread. libjvm.so has about 99,400 of its
     * 99,900, and reading them all, for dlopen and again for pthread_create, cost half a millisecond of arming. */
    size_t firsts[2] = { 0, relative_count <= counts[1] ? relative_count : 0 };
    size_t found = 0;
    for (int t = 0; t < 2; t++) {
        for (size_t i = firsts[t]; tables[t] != NULL && i < counts[t] && found < max; i++) {
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

static int protection_bits(unsigned perms) {
    return (perms & MAP_PERM_R ? PROT_READ : 0) | (perms & MAP_PERM_W ? PROT_WRITE : 0) | (perms & MAP_PERM_X ? PROT_EXEC : 0);
}

void got_maps_release(got_maps *maps) {
    if (maps->loaded) scratch_map_release(&maps->own);
    maps->loaded = 0;
}

/* The protection of the mapping holding address, or -1 if none does. */
static int protection_of(got_maps *maps, uintptr_t address) {
    got_maps once = { 0 };
    got_maps *used = maps != NULL ? maps : &once;
    const memory_map *map = used->given;
    if (map == NULL) {
        if (!used->loaded) used->loaded = scratch_map_read(&used->own) == 0;
        map = used->loaded ? &used->own : NULL;
    }
    const map_entry *entry = map != NULL ? memory_map_find(map, address) : NULL;
    int protection = entry != NULL ? protection_bits(entry->perms) : -1;
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
