/*
 * ac_symbolize.c - user stack symbolisation for the collector.
 *
 * Finds the mapping of the address in /proc/<pid>/maps, turns it into an
 * ELF virtual address through the file's PT_LOAD headers, then looks for
 * the function symbol covering it (.symtab first, .dynsym otherwise). The
 * file is opened through /proc/<pid>/root so containers resolve too.
 */
#include "ac_symbolize.h"

#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct mapping {
	uint64_t start, end, offset;
	char path[512];
};

static int find_mapping(pid_t pid, uint64_t addr, struct mapping *m)
{
	char maps_path[64], line[1024];
	snprintf(maps_path, sizeof(maps_path), "/proc/%d/maps", (int)pid);
	FILE *f = fopen(maps_path, "r");
	if (!f)
		return -1;
	int found = -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, offset;
		int path_at = 0;
		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &start, &end, &offset, &path_at) < 3)
			continue;
		if (addr < start || addr >= end)
			continue;
		m->start = start;
		m->end = end;
		m->offset = offset;
		snprintf(m->path, sizeof(m->path), "%s", path_at ? line + path_at : "");
		m->path[strcspn(m->path, "\n")] = '\0';
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

/* File offset -> ELF virtual address, through the PT_LOAD that holds it. */
static int offset_to_vaddr(Elf *elf, uint64_t off, uint64_t *vaddr)
{
	size_t n;
	if (elf_getphdrnum(elf, &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (off >= ph.p_offset && off < ph.p_offset + ph.p_filesz) {
			*vaddr = off - ph.p_offset + ph.p_vaddr;
			return 0;
		}
	}
	return -1;
}

/* Best function symbol covering vaddr in sections of the given type. */
static int lookup_symbol(Elf *elf, Elf64_Word type, uint64_t vaddr, char *name, size_t len,
			 uint64_t *sym_start)
{
	Elf_Scn *scn = NULL;
	int found = -1;
	uint64_t best = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || !sh.sh_entsize)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		size_t count = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < count; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_value == 0 || sym.st_value > vaddr)
				continue;
			/* Sized symbols must cover vaddr; unsized ones win only as nearest. */
			if (sym.st_size && vaddr >= sym.st_value + sym.st_size)
				continue;
			if (found == 0 && sym.st_value <= best)
				continue;
			const char *s = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!s || !*s)
				continue;
			snprintf(name, len, "%s", s);
			best = sym.st_value;
			found = 0;
		}
	}
	*sym_start = best;
	return found;
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

const char *ac_symbolize(pid_t pid, uint64_t addr, char *buf, size_t len)
{
	struct mapping m;
	snprintf(buf, len, "0x%" PRIx64, addr);
	if (find_mapping(pid, addr, &m) || m.path[0] != '/')
		return buf;
	snprintf(buf, len, "0x%" PRIx64 " (%s)", addr, basename_of(m.path));

	char file[600];
	snprintf(file, sizeof(file), "/proc/%d/root%s", (int)pid, m.path);
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return buf;
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	uint64_t vaddr, sym_start;
	char name[256];
	if (elf && !offset_to_vaddr(elf, addr - m.start + m.offset, &vaddr) &&
	    (!lookup_symbol(elf, SHT_SYMTAB, vaddr, name, sizeof(name), &sym_start) ||
	     !lookup_symbol(elf, SHT_DYNSYM, vaddr, name, sizeof(name), &sym_start)))
		snprintf(buf, len, "%s+0x%" PRIx64 " (%s)", name, vaddr - sym_start,
			 basename_of(m.path));
	if (elf)
		elf_end(elf);
	close(fd);
	return buf;
}
