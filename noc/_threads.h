/* Threads and a spin barrier for the NoC engine's parallel bands (noc/_bands.pyx).

   The barrier is sense-reversing: the last thread to arrive resets the count and flips the
   sense; the others spin on it (yielding the core now and then, so that a machine with more
   threads than free cores still makes progress). Its atomic read-modify-write and the
   release/acquire pair on the sense order every write made before the barrier by any thread
   before every read made after it by any other. */
#ifndef CHIPSIM_NOC_THREADS_H
#define CHIPSIM_NOC_THREADS_H

#include <pthread.h>
#include <sched.h>

typedef struct {
    int count;
    int sense;
    int n;
} spin_barrier;

static inline void spin_barrier_init(spin_barrier* b, int n) {
    b->count = n;
    b->sense = 0;
    b->n = n;
}

static inline void spin_barrier_wait(spin_barrier* b, int* local_sense) {
    int s = !*local_sense;
    int spins = 0;
    *local_sense = s;
    if (__atomic_sub_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == 0) {
        __atomic_store_n(&b->count, b->n, __ATOMIC_RELAXED);
        __atomic_store_n(&b->sense, s, __ATOMIC_RELEASE);
        return;
    }
    while (__atomic_load_n(&b->sense, __ATOMIC_ACQUIRE) != s) {
        if (++spins == 2000) {
            spins = 0;
            sched_yield();
        }
    }
}

/* A start flag: workers wait until it is 1 (go) or -1 (abort: a thread failed to start). */
static inline void flag_set(int* flag, int v) { __atomic_store_n(flag, v, __ATOMIC_RELEASE); }

static inline int flag_wait(int* flag) {
    int v, spins = 0;
    while ((v = __atomic_load_n(flag, __ATOMIC_ACQUIRE)) == 0) {
        if (++spins == 2000) {
            spins = 0;
            sched_yield();
        }
    }
    return v;
}

typedef void* (*thread_fn)(void*);

/* Start a thread running fn(arg); 0 on success. */
static inline int thread_start(pthread_t* t, thread_fn fn, void* arg) {
    return pthread_create(t, NULL, fn, arg);
}

static inline void thread_join(pthread_t t) { pthread_join(t, NULL); }

#endif
