/* Loaded ELF modules, read from memory (never from files) so that it works inside a signal handler:
 * grouping of mappings into modules, GNU build-id, .eh_frame_hdr, and .dynsym lookup. */
#ifndef CRASHCAP_ELF_IMAGE_H
#define CRASHCAP_ELF_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "memory_map.h"

#define ELF_BUILD_ID_MAX 32

typedef struct {
    const char *path;             /* points into the memory_map's path pool */
    int deleted;                  /* 1 when the file was deleted or replaced while mapped (path is still its path) */
    uintptr_t base;               /* lowest mapping of the file (where its ELF header is) */
    uintptr_t end;                /* end of its highest mapping */
    uintptr_t load_bias;          /* run-time address minus link-time address */
    int is_elf;                   /* 1 when a valid ELF header was found at base */
    uint8_t build_id[ELF_BUILD_ID_MAX];
    size_t build_id_len;          /* 0 when the module has no GNU build-id note */
    uintptr_t eh_frame_hdr;       /* run-time address of .eh_frame_hdr, 0 if none */
    uintptr_t dynsym;             /* run-time address of .dynsym, 0 if none */
    uintptr_t dynstr;             /* run-time address of .dynstr */
    size_t dynstr_size;
    size_t dynsym_count;          /* from DT_HASH or DT_GNU_HASH */
} module_info;

/* Groups the file-backed mappings of `m` into modules (one per path with a mapping at file offset 0)
 * and reads each module's ELF headers from memory, checking readability through `m` first.
 * Files none of whose mappings is executable (locale archives, CDS archives, caches) are left out: no
 * pc can be in them. The vdso is included under the name "[vdso]". Modules come out in address order.
 * Returns the number of modules written to `out` (at most cap). */
size_t module_list_build(const memory_map *m, module_info *out, size_t cap);

/* The module whose [base, end) contains addr, or NULL. */
const module_info *module_list_find(const module_info *mods, size_t count, uintptr_t addr);

/* The .dynsym function symbol whose [value, value+size) contains addr.
 * Returns 1 and sets *name (points into the module's mapped .dynstr) and *symbol_start; 0 if none. */
int elf_symbol_for(const memory_map *m, const module_info *mod, uintptr_t addr,
                   const char **name, uintptr_t *symbol_start);

#endif
