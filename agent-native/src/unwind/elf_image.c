/* Loaded ELF modules, read from the process's own memory inside a signal handler. Files are never
 * opened: a dying process may have no descriptors left, and the file on disk may have been replaced
 * since it was loaded. Every read is preceded by a memory_map_readable check. */
#include "elf_image.h"

#include <elf.h>
#include <string.h>

#define MAX_PROGRAM_HEADERS 256
#define MAX_DYNAMIC_ENTRIES 1024
#define MAX_NOTE_BYTES (64u * 1024u)
#define MAX_HASH_BUCKETS (1u << 24)
#define MAX_SYMBOLS (1u << 21)
/* Anonymous mappings (.bss, or holes some loaders leave) allowed between two mappings of one file. */
#define MAX_ANONYMOUS_GAP_MAPPINGS 4

/* Copies len bytes at addr into out if the map says they are readable. */
static int read_checked(const memory_map *m, uintptr_t addr, void *out, size_t len) {
    if (!memory_map_readable(m, addr, len))
        return 0;
    memcpy(out, (const void *)addr, len);
    return 1;
}

static int text_equal(const char *a, const char *b) {
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* Whether the mapping at index `next` continues the file mapped at `first`. */
static int continues_file(const memory_map *m, const map_entry *first, const map_entry *next) {
    if (next->path == 0 || next->inode != first->inode || next->offset == 0)
        return 0;  /* offset 0 would be a second copy of the file, a module of its own */
    return next->path == first->path ||
           text_equal(memory_map_path(m, next), memory_map_path(m, first));
}

/* Index of the last mapping belonging to the file whose offset-0 mapping is at `first_index`, and
 * whether any of the file's mappings is executable. */
static size_t module_extent(const memory_map *m, size_t first_index, int *executable) {
    const map_entry *first = &m->entries[first_index];
    size_t last = first_index;
    size_t anonymous_run = 0;
    size_t i;
    *executable = (first->perms & MAP_PERM_X) != 0;
    for (i = first_index + 1; i < m->count; i++) {
        const map_entry *e = &m->entries[i];
        if (e->path == 0) {
            if (++anonymous_run > MAX_ANONYMOUS_GAP_MAPPINGS)
                break;
            continue;
        }
        if (!continues_file(m, first, e))
            break;
        anonymous_run = 0;
        last = i;
        if (e->perms & MAP_PERM_X)
            *executable = 1;
    }
    return last;
}

/* Pseudo-files in brackets ([heap], [stack], [vvar]...) are not modules, except the vdso, which the
 * kernel maps as a complete ELF image with its own CFI (clock_gettime and friends run there). */
static int may_be_module(const char *path) {
    if (path[0] == '\0')
        return 0;
    if (path[0] == '[')
        return text_equal(path, "[vdso]");
    return 1;
}

/* Values in the dynamic section: glibc's loader rewrites most of them to run-time addresses, but not
 * where the section is read-only (the vdso, some architectures) or for a non-relocated main program.
 * A value inside the module's address range is taken as already relocated; otherwise the link-time
 * value plus the bias must land inside the module. Both cannot be true unless the bias were smaller
 * than the module, which the loader never produces for a shared object. */
static uintptr_t dynamic_address(const module_info *mod, uint64_t value) {
    if (value >= mod->base && value < mod->end)
        return (uintptr_t)value;
    uintptr_t biased = (uintptr_t)value + mod->load_bias;
    if (biased >= mod->base && biased < mod->end)
        return biased;
    return 0;
}

static int read_phdr(const memory_map *m, uintptr_t table, size_t index, Elf64_Phdr *out) {
    return read_checked(m, table + index * sizeof(Elf64_Phdr), out, sizeof(*out));
}

/* The bias follows from the segment that maps the start of the file (the one at base, normally the
 * first PT_LOAD with p_offset 0): file offset p_offset is at p_vaddr + bias, and p_vaddr - p_offset is
 * page aligned, so file offset 0 is at p_vaddr - p_offset + bias. */
static int find_load_bias(const memory_map *m, const module_info *mod, uintptr_t phdrs, size_t count,
                          uintptr_t *bias) {
    const uint64_t largest_page = 64 * 1024;  /* the segment must start within the first page */
    int found = 0;
    Elf64_Phdr first = {0};
    size_t i;
    for (i = 0; i < count; i++) {
        Elf64_Phdr ph;
        if (!read_phdr(m, phdrs, i, &ph))
            return 0;
        if (ph.p_type != PT_LOAD || ph.p_offset >= largest_page || ph.p_vaddr < ph.p_offset)
            continue;
        if (!found || ph.p_offset < first.p_offset) {
            first = ph;
            found = 1;
        }
    }
    if (!found)
        return 0;
    *bias = mod->base - (uintptr_t)(first.p_vaddr - first.p_offset);
    return 1;
}

static size_t align_up(size_t value, size_t alignment) {
    return (value + alignment - 1) & ~(alignment - 1);
}

/* Walks the notes of one PT_NOTE segment looking for NT_GNU_BUILD_ID with owner "GNU". */
static void read_build_id(const memory_map *m, module_info *mod, const Elf64_Phdr *ph) {
    size_t size = (size_t)ph->p_filesz;
    size_t alignment = ph->p_align == 8 ? 8 : 4;  /* 8 for .note.gnu.property-style segments */
    uintptr_t start = mod->load_bias + (uintptr_t)ph->p_vaddr;
    size_t pos = 0;
    if (size > MAX_NOTE_BYTES || !memory_map_readable(m, start, size))
        return;
    while (pos + sizeof(Elf64_Nhdr) <= size) {
        Elf64_Nhdr note;
        memcpy(&note, (const void *)(start + pos), sizeof(note));
        size_t name_at = pos + sizeof(note);
        size_t desc_at = name_at + align_up(note.n_namesz, alignment);
        size_t next = desc_at + align_up(note.n_descsz, alignment);
        if (note.n_namesz > size || note.n_descsz > size || next > size || next <= pos)
            return;
        if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
            memcmp((const void *)(start + name_at), "GNU", 4) == 0 && note.n_descsz > 0) {
            size_t len = note.n_descsz < ELF_BUILD_ID_MAX ? note.n_descsz : ELF_BUILD_ID_MAX;
            memcpy(mod->build_id, (const void *)(start + desc_at), len);
            mod->build_id_len = len;
            return;
        }
        pos = next;
    }
}

/* Symbol count of a DT_GNU_HASH table: the chains end at the highest symbol index, found by following
 * the chain of the highest bucket to the entry whose low bit marks the end. */
static size_t gnu_hash_symbol_count(const memory_map *m, uintptr_t table) {
    uint32_t header[4];  /* nbuckets, symoffset, bloom_size, bloom_shift */
    if (!read_checked(m, table, header, sizeof(header)))
        return 0;
    uint32_t nbuckets = header[0];
    uint32_t symoffset = header[1];
    uint32_t bloom_size = header[2];
    if (nbuckets == 0 || nbuckets > MAX_HASH_BUCKETS || bloom_size > MAX_HASH_BUCKETS)
        return 0;
    uintptr_t buckets = table + sizeof(header) + (uintptr_t)bloom_size * sizeof(uint64_t);
    uintptr_t chains = buckets + (uintptr_t)nbuckets * sizeof(uint32_t);
    if (!memory_map_readable(m, buckets, (size_t)nbuckets * sizeof(uint32_t)))
        return 0;

    uint32_t highest = 0;
    uint32_t i;
    for (i = 0; i < nbuckets; i++) {
        uint32_t bucket;
        memcpy(&bucket, (const void *)(buckets + (uintptr_t)i * sizeof(uint32_t)), sizeof(bucket));
        if (bucket > highest)
            highest = bucket;
    }
    if (highest == 0)
        return symoffset;  /* no hashed symbols at all */
    if (highest < symoffset)
        return 0;

    uint32_t index = highest;
    uint32_t steps;
    for (steps = 0; steps < MAX_SYMBOLS; steps++, index++) {
        uint32_t chain;
        if (!read_checked(m, chains + (uintptr_t)(index - symoffset) * sizeof(uint32_t), &chain,
                          sizeof(chain)))
            return 0;
        if (chain & 1u)
            return (size_t)index + 1;
    }
    return 0;
}

/* Finds .dynsym, .dynstr and the symbol count through PT_DYNAMIC. */
static void read_dynamic(const memory_map *m, module_info *mod, const Elf64_Phdr *ph) {
    uintptr_t dynamic = mod->load_bias + (uintptr_t)ph->p_vaddr;
    size_t count = (size_t)(ph->p_memsz / sizeof(Elf64_Dyn));
    uint64_t symtab = 0, strtab = 0, strsz = 0, hash = 0, gnu_hash = 0, syment = sizeof(Elf64_Sym);
    size_t i;
    if (count > MAX_DYNAMIC_ENTRIES)
        count = MAX_DYNAMIC_ENTRIES;
    for (i = 0; i < count; i++) {
        Elf64_Dyn d;
        if (!read_checked(m, dynamic + i * sizeof(d), &d, sizeof(d)))
            return;
        if (d.d_tag == DT_NULL)
            break;
        switch (d.d_tag) {
        case DT_SYMTAB: symtab = d.d_un.d_ptr; break;
        case DT_STRTAB: strtab = d.d_un.d_ptr; break;
        case DT_STRSZ: strsz = d.d_un.d_val; break;
        case DT_HASH: hash = d.d_un.d_ptr; break;
        case DT_GNU_HASH: gnu_hash = d.d_un.d_ptr; break;
        case DT_SYMENT: syment = d.d_un.d_val; break;
        default: break;
        }
    }
    if (symtab == 0 || strtab == 0 || strsz == 0 || syment != sizeof(Elf64_Sym))
        return;

    uintptr_t dynsym = dynamic_address(mod, symtab);
    uintptr_t dynstr = dynamic_address(mod, strtab);
    if (dynsym == 0 || dynstr == 0 || !memory_map_readable(m, dynstr, (size_t)strsz))
        return;

    size_t symbols = 0;
    uintptr_t table;
    if (hash != 0 && (table = dynamic_address(mod, hash)) != 0) {
        uint32_t header[2];  /* nbucket, nchain: nchain is the number of symbols */
        if (read_checked(m, table, header, sizeof(header)))
            symbols = header[1];
    } else if (gnu_hash != 0 && (table = dynamic_address(mod, gnu_hash)) != 0) {
        symbols = gnu_hash_symbol_count(m, table);
    }
    if (symbols == 0 || symbols > MAX_SYMBOLS ||
        !memory_map_readable(m, dynsym, symbols * sizeof(Elf64_Sym)))
        return;

    mod->dynsym = dynsym;
    mod->dynstr = dynstr;
    mod->dynstr_size = (size_t)strsz;
    mod->dynsym_count = symbols;
}

static int header_is_native_elf(const Elf64_Ehdr *eh) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const unsigned char native_data = ELFDATA2LSB;
#else
    const unsigned char native_data = ELFDATA2MSB;
#endif
    return memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_ident[EI_CLASS] == ELFCLASS64 &&
           eh->e_ident[EI_DATA] == native_data && eh->e_phentsize == sizeof(Elf64_Phdr) &&
           eh->e_phnum > 0 && eh->e_phnum <= MAX_PROGRAM_HEADERS;
}

static void read_elf_image(const memory_map *m, module_info *mod) {
    Elf64_Ehdr eh;
    if (!read_checked(m, mod->base, &eh, sizeof(eh)) || !header_is_native_elf(&eh))
        return;
    /* The program headers sit in the first page of every normal image, mapped by the offset-0
     * mapping; if they are not there we cannot find them without the file, so give up. */
    uintptr_t phdrs = mod->base + (uintptr_t)eh.e_phoff;
    if (phdrs < mod->base || !memory_map_readable(m, phdrs, (size_t)eh.e_phnum * sizeof(Elf64_Phdr)))
        return;
    if (!find_load_bias(m, mod, phdrs, eh.e_phnum, &mod->load_bias))
        return;
    mod->is_elf = 1;

    size_t i;
    for (i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        if (!read_phdr(m, phdrs, i, &ph))
            return;
        switch (ph.p_type) {
        case PT_NOTE:
            if (mod->build_id_len == 0)
                read_build_id(m, mod, &ph);
            break;
        case PT_GNU_EH_FRAME:
            mod->eh_frame_hdr = mod->load_bias + (uintptr_t)ph.p_vaddr;
            break;
        case PT_DYNAMIC:
            read_dynamic(m, mod, &ph);
            break;
        default:
            break;
        }
    }
}

size_t module_list_build(const memory_map *m, module_info *out, size_t cap) {
    size_t count = 0;
    size_t i;
    if (m == NULL || out == NULL)
        return 0;
    for (i = 0; i < m->count && count < cap; i++) {
        const map_entry *e = &m->entries[i];
        if (e->path == 0 || e->offset != 0)
            continue;
        const char *path = memory_map_path(m, e);
        if (!may_be_module(path))
            continue;
        int executable;
        size_t last = module_extent(m, i, &executable);
        if (!executable)
            continue;  /* data files (locale archives, CDS, caches): no pc can be there */

        module_info *mod = &out[count++];
        memset(mod, 0, sizeof(*mod));
        mod->path = path;
        mod->deleted = e->deleted;
        mod->base = e->start;
        mod->end = m->entries[last].end;
        read_elf_image(m, mod);
    }
    return count;
}

const module_info *module_list_find(const module_info *mods, size_t count, uintptr_t addr) {
    /* Modules come out of module_list_build in address order and do not overlap. */
    size_t lo = 0;
    size_t hi = count;
    if (mods == NULL)
        return NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (addr < mods[mid].base)
            hi = mid;
        else if (addr >= mods[mid].end)
            lo = mid + 1;
        else
            return &mods[mid];
    }
    return NULL;
}

static int symbol_may_contain_code(const Elf64_Sym *sym) {
    unsigned type = ELF64_ST_TYPE(sym->st_info);
    if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_NOTYPE)
        return 0;
    return sym->st_shndx != SHN_UNDEF && sym->st_shndx != SHN_ABS && sym->st_size != 0;
}

/* A global name beats a weak or local alias of the same code ("memcpy" over "__memcpy_chk" etc.). */
static int better_match(const Elf64_Sym *candidate, const Elf64_Sym *current) {
    if (current == NULL)
        return 1;
    return ELF64_ST_BIND(candidate->st_info) == STB_GLOBAL && ELF64_ST_BIND(current->st_info) != STB_GLOBAL;
}

int elf_symbol_for(const memory_map *m, const module_info *mod, uintptr_t addr,
                   const char **name, uintptr_t *symbol_start) {
    if (mod == NULL || mod->dynsym == 0 || mod->dynstr == 0 || mod->dynsym_count == 0 ||
        mod->dynsym_count > MAX_SYMBOLS)
        return 0;
    /* module_list_build checked these already, but the caller may hand us an older module list. */
    if (!memory_map_readable(m, mod->dynsym, mod->dynsym_count * sizeof(Elf64_Sym)) ||
        !memory_map_readable(m, mod->dynstr, mod->dynstr_size))
        return 0;

    const Elf64_Sym *symbols = (const Elf64_Sym *)mod->dynsym;
    const Elf64_Sym *best = NULL;
    size_t i;
    for (i = 0; i < mod->dynsym_count; i++) {
        const Elf64_Sym *sym = &symbols[i];
        if (!symbol_may_contain_code(sym))
            continue;
        uintptr_t start = (uintptr_t)sym->st_value + mod->load_bias;
        if (addr - start < sym->st_size && better_match(sym, best))
            best = sym;
    }
    if (best == NULL || best->st_name >= mod->dynstr_size)
        return 0;

    const char *strings = (const char *)mod->dynstr;
    size_t end;
    for (end = best->st_name; end < mod->dynstr_size; end++) {
        if (strings[end] == '\0')
            break;
    }
    if (end >= mod->dynstr_size || end == best->st_name)
        return 0;  /* unterminated or empty name */
    if (name != NULL)
        *name = strings + best->st_name;
    if (symbol_start != NULL)
        *symbol_start = (uintptr_t)best->st_value + mod->load_bias;
    return 1;
}
