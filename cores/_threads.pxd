# The kernels' helper for running jobs in threads (cores/_threads.h), declared once for the
# modules that cimport it (cores/_synapse_lookup.pyx, cores/_packet_queue.pyx,
# cores/_crossbar.pyx, cores/_truenorth.pyx).

from libc.stdint cimport int64_t
from posix.time cimport CLOCK_MONOTONIC, clock_gettime, timespec


cdef extern from "_threads.h" nogil:
    enum:
        CORES_MAX_THREADS  # jobs a call may run at once
    void cores_run_jobs(void* (*run)(void*) noexcept nogil, void* jobs, size_t size, int n)


cdef inline int check_threads(int threads) except -1:
    """ValueError unless a kernel call may use ``threads`` threads (1 or more)."""
    if threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    return 0


cdef inline double seconds_since(const timespec* start) noexcept nogil:
    """Seconds from ``start`` (CLOCK_MONOTONIC) to now: when a job ended, for ``Balance``."""
    cdef timespec end
    clock_gettime(CLOCK_MONOTONIC, &end)
    return (end.tv_sec - start.tv_sec) + 1e-9 * (end.tv_nsec - start.tv_nsec)


cdef inline int check_jobs(
    const int64_t[::1] bounds, const double[::1] seconds, Py_ssize_t n
) except -1:
    """ValueError unless ``bounds`` cut the batch 0 .. n into 1 to CORES_MAX_THREADS jobs
    (job i: bounds[i] .. bounds[i + 1] - 1, nondecreasing) with a ``seconds`` entry each."""
    cdef Py_ssize_t k = bounds.shape[0] - 1, i
    if not 1 <= k <= CORES_MAX_THREADS or seconds.shape[0] != k:
        raise ValueError(
            f"bounds must cut the batch into 1 to {CORES_MAX_THREADS} jobs with a seconds "
            f"entry each, got {k} jobs and {seconds.shape[0]} entries")
    for i in range(k):
        if bounds[i] > bounds[i + 1]:
            break
    else:
        if bounds[0] == 0 and bounds[k] == n:
            return 0
    raise ValueError(f"bounds must go from 0 to {n} without decreasing, got {list(bounds)}")
