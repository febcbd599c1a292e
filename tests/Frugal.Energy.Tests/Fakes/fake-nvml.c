/* A fake libnvidia-ml for NvmlDevice's tests: one GPU whose locked clocks, energy counter and failures the tests
   control and read back through the fake_nvml_* functions. Return codes are NVML's (0 success, 3 not supported). */
#include <string.h>

static unsigned gpu_locked, memory_locked, fail_memory_lock, calls;
static unsigned long long energy_mj;
static const unsigned memory_clocks[] = {1215, 877};
static const unsigned graphics_clocks[] = {1410, 1200, 900, 210};

void fake_nvml_reset(unsigned fail_memory) { gpu_locked = memory_locked = calls = 0; energy_mj = 0; fail_memory_lock = fail_memory; }
void fake_nvml_state(unsigned *gpu, unsigned *memory) { *gpu = gpu_locked; *memory = memory_locked; }

int nvmlInit_v2(void) { return 0; }
int nvmlShutdown(void) { return 0; }
int nvmlDeviceGetHandleByIndex_v2(unsigned index, void **device) { *device = (void *)0x1; return index == 0 ? 0 : 2; }
int nvmlDeviceGetUUID(void *device, char *uuid, unsigned length) { strncpy(uuid, "GPU-fake-0001", length); return 0; }
/* Every read adds 5 J: 50 W over a 0.1 s window. */
int nvmlDeviceGetTotalEnergyConsumption(void *device, unsigned long long *mj) { *mj = energy_mj; energy_mj += 5000; return 0; }
int nvmlDeviceGetClockInfo(void *device, int type, unsigned *mhz)
{
    if (type == 0) *mhz = gpu_locked ? gpu_locked : 1410;
    else *mhz = memory_locked ? memory_locked : 1215;
    return 0;
}
static int list(const unsigned *values, unsigned n, unsigned *count, unsigned *out)
{
    if (out == 0 || *count < n) { *count = n; return 7; /* insufficient size */ }
    memcpy(out, values, n * sizeof *values);
    *count = n;
    return 0;
}
int nvmlDeviceGetSupportedMemoryClocks(void *device, unsigned *count, unsigned *clocks) { return list(memory_clocks, 2, count, clocks); }
int nvmlDeviceGetSupportedGraphicsClocks(void *device, unsigned memory, unsigned *count, unsigned *clocks)
{
    return memory == 1215 ? list(graphics_clocks, 4, count, clocks) : 3;
}
int nvmlDeviceSetGpuLockedClocks(void *device, unsigned min, unsigned max) { gpu_locked = min; return min == max ? 0 : 3; }
int nvmlDeviceResetGpuLockedClocks(void *device) { gpu_locked = 0; return 0; }
int nvmlDeviceSetMemoryLockedClocks(void *device, unsigned min, unsigned max)
{
    if (fail_memory_lock) return 3;
    memory_locked = min;
    return 0;
}
int nvmlDeviceResetMemoryLockedClocks(void *device) { memory_locked = 0; return 0; }
