/*
 * libc_malloc.c - the "glibc" allocator for programs linked to another
 * malloc (Debian's redis-server needs libjemalloc.so.2, which comes before
 * libc in its symbol lookup order): preloaded, it sends the malloc family
 * to glibc's own entry points, so the program runs on glibc's malloc.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void __libc_free(void *p);
void *__libc_memalign(size_t align, size_t size);
void *__libc_valloc(size_t size);
void *__libc_pvalloc(size_t size);

/* glibc exports its malloc_usable_size under that name only: found in libc itself. */
static size_t (*libc_usable_size)(void *);

__attribute__((constructor)) static void find_usable_size(void)
{
	void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
	if (libc)
		libc_usable_size = (size_t (*)(void *))dlsym(libc, "malloc_usable_size");
}

void *malloc(size_t size) { return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { return __libc_realloc(p, size); }
void free(void *p) { __libc_free(p); }
void *memalign(size_t align, size_t size) { return __libc_memalign(align, size); }
void *aligned_alloc(size_t align, size_t size) { return __libc_memalign(align, size); }
void *valloc(size_t size) { return __libc_valloc(size); }
void *pvalloc(size_t size) { return __libc_pvalloc(size); }

int posix_memalign(void **out, size_t align, size_t size)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	void *p = __libc_memalign(align, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

size_t malloc_usable_size(void *p)
{
	return p && libc_usable_size ? libc_usable_size(p) : 0;
}
