// Two threads copying 32 MiB buffers back and forth; prints GB/s per 0.5 s window (memory bandwidth over time).
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdatomic.h>
#include <unistd.h>
static _Atomic uint64_t copied; static volatile int stop;
static void *work(void *arg) {
  size_t n = 32ul << 20; char *a = malloc(n), *b = malloc(n); memset(a, 1, n); memset(b, 2, n);
  while (!stop) { memcpy(b, a, n); memcpy(a, b, n); atomic_fetch_add(&copied, 2 * n); }
  return 0;
}
int main(int argc, char **argv) {
  int seconds = argc > 1 ? atoi(argv[1]) : 30; pthread_t th[2];
  for (int t = 0; t < 2; t++) pthread_create(&th[t], 0, work, 0);
  uint64_t last = 0;
  for (int s = 0; s < seconds * 2; s++) { usleep(500000); uint64_t c = atomic_load(&copied); printf("%.1f ", (c - last) / 0.5 / 1e9); fflush(stdout); last = c; }
  printf("\n"); stop = 1; for (int t = 0; t < 2; t++) pthread_join(th[t], 0);
}
