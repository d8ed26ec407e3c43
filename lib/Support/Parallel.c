/*
 * Running work on several threads (MeldContext.threads): a fork-join of workers that pull
 * chunks of items from a shared counter.  Callers keep the results per item and report from the
 * calling thread afterwards, so what a run prints does not depend on the thread count.
 */
#include "meldc/Support.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

typedef struct Worker {
  MeldWorkerFn fn;
  void *env;
  uint32_t index;
  pthread_t thread;
  bool started;
} Worker;

static void *worker_main(void *arg) {
  Worker *w = arg;
  w->fn(w->env, w->index);
  return NULL;
}

/* Enough for any machine this runs on; extra workers beyond it run on the calling thread. */
#define MAX_WORKERS 64

void meld_parallel_run(uint32_t nworkers, MeldWorkerFn fn, void *env) {
  Worker ws[MAX_WORKERS];
  if (nworkers > MAX_WORKERS) nworkers = MAX_WORKERS;
  for (uint32_t i = 1; i < nworkers; i++) {
    ws[i] = (Worker){fn, env, i, 0, false};
    ws[i].started = pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]) == 0;
  }
  if (nworkers) fn(env, 0);
  for (uint32_t i = 1; i < nworkers; i++) {
    if (ws[i].started) pthread_join(ws[i].thread, NULL);
    else fn(env, i);
  }
}

uint32_t meld_cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (uint32_t)n;
}

void meld_queue_init(MeldWorkQueue *q, uint32_t n, uint32_t chunk) {
  atomic_init(&q->next, 0);
  q->n = n;
  q->chunk = chunk ? chunk : 1;
}

bool meld_queue_take(MeldWorkQueue *q, uint32_t *begin, uint32_t *end) {
  uint32_t b = atomic_fetch_add(&q->next, q->chunk);
  /* The counter only grows by `chunk` once per call per worker, far below wrapping. */
  if (b >= q->n) return false;
  *begin = b;
  *end = q->n - b < q->chunk ? q->n : b + q->chunk;
  return true;
}
