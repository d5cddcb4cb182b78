/* Jobs run at once in threads of their own, for the kernels that split a call's work
   (cores/_synapse_lookup.pyx, cores/_packet_queue.pyx, cores/_crossbar.pyx,
   cores/_truenorth.pyx).

   A thread started inside the kernel call begins at once, where a Python pool's thread first
   needs the GIL (# perf: ~0.2 ms after the call in a whole-chip run). */
#ifndef CHIPSIM_CORES_THREADS_H
#define CHIPSIM_CORES_THREADS_H

#include <pthread.h>
#include <stddef.h>

#define CORES_MAX_THREADS 64

typedef void* (*cores_job_fn)(void*);

/* Run fn on each of the n jobs (n <= CORES_MAX_THREADS) laid out ``size`` bytes apart from
   ``jobs``: job 0 in the calling thread, the others each in a thread of its own, started
   first (a job whose thread cannot start runs in the calling thread, after job 0); returns
   when every job has run. */
static void cores_run_jobs(cores_job_fn fn, void* jobs, size_t size, int n) {
    pthread_t handles[CORES_MAX_THREADS];
    int started[CORES_MAX_THREADS];
    int k;
    for (k = 1; k < n; k++)
        started[k] = pthread_create(&handles[k], NULL, fn, (char*)jobs + k * size) == 0;
    fn(jobs);
    for (k = 1; k < n; k++) {
        if (started[k])
            pthread_join(handles[k], NULL);
        else
            fn((char*)jobs + k * size);
    }
}

#endif
