/* Jobs run at once in threads of their own, for the kernels that split a call's work
   (cores/_synapse_lookup.pyx, cores/_packet_queue.pyx, cores/_crossbar.pyx,
   cores/_truenorth.pyx).

   The threads are C workers kept between calls (one pool per module that includes this
   header), asleep on a condition variable while no call needs them. They run C only, so a
   job starts at once, where a Python pool's thread first needs the GIL (# perf: ~0.2 ms
   after the call in a whole-chip run); and a kept worker wakes sooner than a new thread
   starts (# perf: see cores_run_jobs). The calling thread takes any job no worker has taken,
   so a call never waits for a worker that does not exist (as in a forked child, which starts
   workers of its own). */
#ifndef CHIPSIM_CORES_THREADS_H
#define CHIPSIM_CORES_THREADS_H

#include <pthread.h>
#include <stddef.h>

#define CORES_MAX_THREADS 64
#define CORES_SPIN 2000 /* pauses a worker, or the caller, spins before it sleeps: ~50 us
                            here (a pause ~25 ns); longer spins keep the core from the other
                            threads of a run (the neuron step, the records) */

#if defined(__x86_64__) || defined(__i386__)
#define CORES_PAUSE() __builtin_ia32_pause()
#else
#define CORES_PAUSE() ((void)0)
#endif

typedef void* (*cores_job_fn)(void*);

/* The workers and the call they serve; every field is written under ``lock`` (``call`` and
   ``left`` are also read without it, atomically, as hints for a spin). */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a new call (``call`` changed) */
    pthread_cond_t done; /* the call's last job has run */
    int workers;         /* started (they never stop) */
    int busy;            /* a call holds the pool */
    unsigned long call;  /* counts calls: a worker serves each once */
    cores_job_fn fn;
    char* jobs;
    size_t size;
    int n, next, left; /* the call's jobs; the next to take; those not done */
} CoresPool;

static CoresPool cores_pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
                               PTHREAD_COND_INITIALIZER, 0, 0, 0, NULL, NULL, 0, 0, 0, 0};
static pthread_once_t cores_pool_once = PTHREAD_ONCE_INIT;

/* Take the call's jobs one by one until none is left (``lock`` held on entry and exit). */
static void cores_take_jobs(CoresPool* p) {
    while (p->next < p->n) {
        char* job = p->jobs + (size_t)p->next++ * p->size;
        pthread_mutex_unlock(&p->lock);
        p->fn(job);
        pthread_mutex_lock(&p->lock);
        if (__atomic_sub_fetch(&p->left, 1, __ATOMIC_RELEASE) == 0)
            pthread_cond_signal(&p->done);
    }
}

/* Spin until *word != value or CORES_SPIN pauses have passed (a hint read without the lock,
   which the caller confirms under it). */
static void cores_spin_while(const unsigned long* word, unsigned long value) {
    int k;
    for (k = 0; k < CORES_SPIN && __atomic_load_n(word, __ATOMIC_ACQUIRE) == value; k++)
        CORES_PAUSE();
}

static void* cores_worker(void* arg) {
    CoresPool* p = &cores_pool;
    unsigned long served = (unsigned long)(size_t)arg; /* the call before its first */
    for (;;) {
        /* perf: a worker put to sleep took ~40 us to wake (the other vCPU halts): it
           spins a while first, as calls come in bursts (a tick's kernels) */
        cores_spin_while(&p->call, served);
        pthread_mutex_lock(&p->lock);
        while (p->call == served)
            pthread_cond_wait(&p->wake, &p->lock);
        served = p->call;
        cores_take_jobs(p);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

/* A forked child has none of the parent's workers: it starts its own. */
static void cores_pool_after_fork(void) {
    CoresPool* p = &cores_pool;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    p->workers = p->busy = p->n = p->next = p->left = 0;
}

static void cores_pool_register_fork(void) { pthread_atfork(NULL, NULL, cores_pool_after_fork); }

/* Each job in a thread of its own, started by the call (the fallback of cores_run_jobs). */
static void cores_run_jobs_started(cores_job_fn fn, void* jobs, size_t size, int n) {
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

/* Run fn on each of the n jobs (n <= CORES_MAX_THREADS) laid out ``size`` bytes apart from
   ``jobs``: job 0 in the calling thread, the others taken by the pool's workers (started
   when first needed; the calling thread takes those left when it is done with job 0);
   returns when every job has run. A call made while another holds the pool (two Python
   threads in kernels of one module) starts threads of its own instead.
   # perf (a TrueNorth kernel call of two jobs on two cores, ~2 us of work, the 2-vCPU VM):
   ~95 us with a thread started and joined each call; ~60 us with workers asleep on a
   condition variable (waking one, and the caller woken by it, cost ~40 us); ~22 us with the
   workers and the caller spinning a while first, against ~20 us in one thread. */
static void cores_run_jobs(cores_job_fn fn, void* jobs, size_t size, int n) {
    CoresPool* p = &cores_pool;
    pthread_t handle;
    pthread_attr_t attr;
    int k;
    if (n <= 1) {
        if (n == 1)
            fn(jobs);
        return;
    }
    pthread_once(&cores_pool_once, cores_pool_register_fork);
    pthread_mutex_lock(&p->lock); /* (held only between jobs, never while one runs) */
    if (p->busy) {
        pthread_mutex_unlock(&p->lock);
        cores_run_jobs_started(fn, jobs, size, n);
        return;
    }
    if (p->workers < n - 1 && pthread_attr_init(&attr) == 0) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        while (p->workers < n - 1 &&
               pthread_create(&handle, &attr, cores_worker, (void*)(size_t)p->call) == 0)
            p->workers++;
        pthread_attr_destroy(&attr);
    }
    p->busy = 1;
    p->fn = fn;
    p->jobs = (char*)jobs;
    p->size = size;
    p->n = n;
    p->next = 1;
    p->left = n - 1;
    __atomic_store_n(&p->call, p->call + 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    fn(jobs);
    for (k = 0; k < CORES_SPIN && __atomic_load_n(&p->left, __ATOMIC_ACQUIRE) > 0; k++)
        CORES_PAUSE(); /* (a hint: see cores_worker) */
    pthread_mutex_lock(&p->lock);
    cores_take_jobs(p); /* (those no worker has taken yet) */
    while (p->left > 0)
        pthread_cond_wait(&p->done, &p->lock);
    p->busy = 0;
    p->n = p->next = 0;
    pthread_mutex_unlock(&p->lock);
}

#endif
