// Allocates and touches 256 MiB, frees it, repeats; prints ms per pass (first touch of fresh pages).
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
static double now() { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
  size_t size = 256ul << 20; int passes = argc > 1 ? atoi(argv[1]) : 20; int pause_ms = argc > 2 ? atoi(argv[2]) : 0;
  for (int p = 0; p < passes; p++) {
    double t0 = now();
    char *m = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < size; i += 4096) m[i] = 1;
    double t1 = now();
    for (size_t i = 0; i < size; i += 4096) m[i] += 1;
    double t2 = now();
    munmap(m, size);
    printf("%d first-touch %.0f ms, second pass %.1f ms\n", p, (t1 - t0) * 1e3, (t2 - t1) * 1e3); fflush(stdout);
    if (pause_ms) usleep(pause_ms * 1000);
  }
}
