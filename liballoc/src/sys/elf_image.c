/* elf_image.c - the span of a mapped ELF image, from its program headers. */
#include <elf.h>
#include <link.h>
#include <string.h>

#include "sys/elf_image.h"

uintptr_t elf_image_end(uintptr_t base)
{
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)base;
	uintptr_t end = 0;
	if (!base || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return 0;
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(base + eh->e_phoff);
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr + ph[i].p_memsz > end)
			end = ph[i].p_vaddr + ph[i].p_memsz;
	return base + end;
}
