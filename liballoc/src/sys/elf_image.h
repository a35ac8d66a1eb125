/* elf_image.h - the span of an ELF image the loader mapped (its PT_LOAD
 * segments), to tell whether a pc lies in a given library's code. */
#ifndef LA_ELF_IMAGE_H
#define LA_ELF_IMAGE_H

#include "sys/internal.h"

/* The end of the image whose ELF header is at base; 0 when base is 0 or
 * holds no ELF header. */
LA_HIDDEN uintptr_t elf_image_end(uintptr_t base);

#endif
