/* A fake libnvidia-ml for Frugal.Gpu's read-only NVML tests: two GPUs with fixed sensor values, an energy counter
   that grows by 1 J per read, and switches (fake_nvml_configure) for a GPU without an energy counter and for the
   free memory. It exports only getters: the binding must need nothing else. Return codes are NVML's. */
#include <string.h>
#include <stdio.h>

typedef struct { unsigned gpu, memory; } utilization_t;
typedef struct { unsigned long long total, free, used; } memory_t;

static unsigned no_energy;
static unsigned long long free_bytes = 8ULL << 30, energy_mj;

void fake_nvml_configure(unsigned without_energy, unsigned long long free_memory)
{
    no_energy = without_energy;
    free_bytes = free_memory;
    energy_mj = 0;
}

static int gpu(void *device) { return (int)(long)device - 1; }

int nvmlInit_v2(void) { return 0; }
int nvmlShutdown(void) { return 0; }
const char *nvmlErrorString(int code) { return code == 2 ? "Invalid Argument" : "Not Supported"; }
int nvmlSystemGetDriverVersion(char *text, unsigned length) { strncpy(text, "555.42.06", length); return 0; }
int nvmlDeviceGetCount_v2(unsigned *count) { *count = 2; return 0; }
int nvmlDeviceGetHandleByIndex_v2(unsigned index, void **device)
{
    if (index > 1) return 2;
    *device = (void *)(long)(index + 1);
    return 0;
}
int nvmlDeviceGetHandleByPciBusId_v2(const char *bus, void **device)
{
    if (strcmp(bus, "00000000:01:00.0") == 0) { *device = (void *)1; return 0; }
    if (strcmp(bus, "00000000:02:00.0") == 0) { *device = (void *)2; return 0; }
    return 2;
}
int nvmlDeviceGetName(void *device, char *text, unsigned length) { strncpy(text, "Fake GPU, 16GB", length); return 0; }
int nvmlDeviceGetUUID(void *device, char *text, unsigned length)
{
    snprintf(text, length, "GPU-fake-%04d", gpu(device));
    return 0;
}
int nvmlDeviceGetPowerUsage(void *device, unsigned *mw) { *mw = 250000 + 10000 * gpu(device); return 0; }
int nvmlDeviceGetEnforcedPowerLimit(void *device, unsigned *mw) { *mw = 300000; return 0; }
int nvmlDeviceGetTotalEnergyConsumption(void *device, unsigned long long *mj)
{
    if (no_energy) return 3;
    *mj = energy_mj;
    energy_mj += 1000;
    return 0;
}
int nvmlDeviceGetTemperature(void *device, int sensor, unsigned *celsius) { *celsius = 60 + gpu(device); return 0; }
int nvmlDeviceGetClockInfo(void *device, int type, unsigned *mhz)
{
    *mhz = type == 1 ? 1410 - 30 * gpu(device) : type == 2 ? 1215 : 0;
    return type == 1 || type == 2 ? 0 : 2;
}
int nvmlDeviceGetMaxClockInfo(void *device, int type, unsigned *mhz) { *mhz = 1410; return 0; }
int nvmlDeviceGetUtilizationRates(void *device, utilization_t *u) { u->gpu = 100; u->memory = 40; return 0; }
int nvmlDeviceGetMemoryInfo(void *device, memory_t *m)
{
    m->total = 16ULL << 30;
    m->free = free_bytes;
    m->used = m->total - free_bytes;
    return 0;
}
/* Only the older name, as drivers before r535 export it: the binding must fall back to it. */
int nvmlDeviceGetCurrentClocksThrottleReasons(void *device, unsigned long long *mask)
{
    *mask = gpu(device) == 1 ? 0x4 | 0x20 : 0x0;
    return 0;
}
int nvmlDeviceGetSupportedClocksThrottleReasons(void *device, unsigned long long *mask) { *mask = 0x1ff; return 0; }
