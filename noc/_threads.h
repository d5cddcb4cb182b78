/* Threads, a spin barrier and a sleeping gate for the NoC engine's parallel bands
   (noc/_bands.pyx).

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

/* A gate where workers sleep while the main thread runs cycles alone: gate_wait blocks until
   the gate has been opened since the caller last passed it (``seen``: the opening it passed).
   Sleeping on a condition variable rather than spinning leaves the core to others. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t opened;
    int openings;
} gate;

static inline void gate_init(gate* g) {
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->opened, NULL);
    g->openings = 0;
}

static inline void gate_destroy(gate* g) {
    pthread_cond_destroy(&g->opened);
    pthread_mutex_destroy(&g->lock);
}

static inline void gate_open(gate* g) {
    pthread_mutex_lock(&g->lock);
    g->openings++;
    pthread_cond_broadcast(&g->opened);
    pthread_mutex_unlock(&g->lock);
}

static inline void gate_wait(gate* g, int* seen) {
    pthread_mutex_lock(&g->lock);
    while (g->openings == *seen)
        pthread_cond_wait(&g->opened, &g->lock);
    *seen = g->openings;
    pthread_mutex_unlock(&g->lock);
}

typedef void* (*thread_fn)(void*);

/* Start a thread running fn(arg); 0 on success. */
static inline int thread_start(pthread_t* t, thread_fn fn, void* arg) {
    return pthread_create(t, NULL, fn, arg);
}

static inline void thread_join(pthread_t t) { pthread_join(t, NULL); }

#endif
