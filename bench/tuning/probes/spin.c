// Two threads, each counting loop iterations of a dependent integer chain; prints per-thread rate every 0.5 s.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>
#include <stdatomic.h>
#include <unistd.h>
static _Atomic uint64_t count[2];
static volatile int stop;
static void *work(void *arg) {
  int t = (int)(intptr_t)arg; uint64_t x = 88172645463325252ull, n = 0;
  while (!stop) { for (int i = 0; i < 100000; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; } n++; atomic_store(&count[t], n); }
  return (void*)(uintptr_t)x;
}
int main(int argc, char **argv) {
  int seconds = argc > 1 ? atoi(argv[1]) : 30, threads = argc > 2 ? atoi(argv[2]) : 2;
  pthread_t th[2];
  for (int t = 0; t < threads; t++) pthread_create(&th[t], 0, work, (void*)(intptr_t)t);
  uint64_t last[2] = {0, 0};
  for (int s = 0; s < seconds * 2; s++) {
    usleep(500000);
    printf("%.1f", (s + 1) / 2.0);
    for (int t = 0; t < threads; t++) { uint64_t c = atomic_load(&count[t]); printf(" %llu", (unsigned long long)(c - last[t])); last[t] = c; }
    printf("\n"); fflush(stdout);
  }
  stop = 1;
  for (int t = 0; t < threads; t++) pthread_join(th[t], 0);
  return 0;
}
