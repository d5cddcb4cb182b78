# The kernels' helper for running jobs in threads (cores/_threads.h), declared once for the
# modules that cimport it (cores/_synapse_lookup.pyx, cores/_packet_queue.pyx).

cdef extern from "_threads.h" nogil:
    enum:
        CORES_MAX_THREADS  # jobs a call may run at once
    void cores_run_jobs(void* (*run)(void*) noexcept nogil, void* jobs, size_t size, int n)
