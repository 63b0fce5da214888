#define _GNU_SOURCE
#include "AllocationCounter.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>

static __thread int counting;
static __thread long allocations;

static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static void (*next_free)(void *);
static int (*next_posix_memalign)(void **, size_t, size_t);
static void *(*next_aligned_alloc)(size_t, size_t);

// dlsym itself may allocate (calloc) before the real functions are known: it gets memory
// from this buffer, which is never freed.
static _Alignas(16) char bootstrap[16384];
static size_t bootstrap_used;
static int resolving;

static void *bootstrap_alloc(size_t size) {
  size = (size + 15) & ~(size_t)15;
  if (bootstrap_used + size > sizeof bootstrap) return NULL;
  void *p = bootstrap + bootstrap_used;
  bootstrap_used += size;
  return p;
}

static int in_bootstrap(void *p) {
  return (char *)p >= bootstrap && (char *)p < bootstrap + sizeof bootstrap;
}

static void resolve(void) {
  if (next_malloc || resolving) return;
  resolving = 1;
  next_calloc = dlsym(RTLD_NEXT, "calloc");
  next_realloc = dlsym(RTLD_NEXT, "realloc");
  next_free = dlsym(RTLD_NEXT, "free");
  next_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
  next_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
  next_malloc = dlsym(RTLD_NEXT, "malloc");
  resolving = 0;
}

void *malloc(size_t size) {
  resolve();
  if (!next_malloc) return bootstrap_alloc(size);
  if (counting) allocations++;
  return next_malloc(size);
}

void *calloc(size_t count, size_t size) {
  resolve();
  if (!next_calloc) {
    // Zeroed already: the buffer is static and never reused.
    return bootstrap_alloc(count * size);
  }
  if (counting) allocations++;
  return next_calloc(count, size);
}

void *realloc(void *p, size_t size) {
  resolve();
  if (counting) allocations++;
  if (in_bootstrap(p)) {
    void *q = next_malloc(size);
    if (q) {
      char *from = p, *to = q;
      size_t room = (size_t)(bootstrap + sizeof bootstrap - from);
      for (size_t i = 0; i < size && i < room; i++) to[i] = from[i];
    }
    return q;
  }
  return next_realloc(p, size);
}

void free(void *p) {
  if (!p || in_bootstrap(p)) return;
  resolve();
  next_free(p);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
  resolve();
  if (counting) allocations++;
  return next_posix_memalign(out, alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
  resolve();
  if (counting) allocations++;
  return next_aligned_alloc(alignment, size);
}

void birdsong_allocations_start(void) {
  allocations = 0;
  counting = 1;
}

long birdsong_allocations_stop(void) {
  counting = 0;
  return allocations;
}
