/* Sorting: median filtering of range-finder readings by sorting windows, and a full sort of a
 * log buffer: quicksort (median of three, recursion on the smaller side) with insertion sort
 * below 12 elements.  Integer, recursive calls. */
#include "kernel.h"

#define COUNT 1024
#define WINDOW 15

static int32_t data[COUNT];
static int32_t work[COUNT];

static void insertion(int32_t *a, int n) {
  for (int i = 1; i < n; i++) {
    int32_t v = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void swap(int32_t *a, int32_t *b) {
  int32_t t = *a;
  *a = *b;
  *b = t;
}

static void quicksort(int32_t *a, int n) {
  while (n > 12) {
    int m = n / 2;
    if (a[m] < a[0]) swap(&a[m], &a[0]);
    if (a[n - 1] < a[0]) swap(&a[n - 1], &a[0]);
    if (a[n - 1] < a[m]) swap(&a[n - 1], &a[m]);
    int32_t pivot = a[m];
    int i = 0, j = n - 1;
    for (;;) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i >= j) break;
      swap(&a[i++], &a[j--]);
    }
    int left = j + 1;
    if (left < n - left) {
      quicksort(a, left);
      a += left;
      n -= left;
    } else {
      quicksort(a + left, n - left);
      n = left;
    }
  }
  insertion(a, n);
}

KERNEL_SETUP {
  uint32_t s = 0x5EED5EEDu;
  for (int i = 0; i < COUNT; i++)
    data[i] = (int32_t)(k_rand(&s) % 100000) - 50000;
}

KERNEL_RUN {
  uint32_t h = 2166136261u;
  int32_t win[WINDOW];
  for (int i = 0; i + WINDOW <= COUNT; i += 4) {
    for (int k = 0; k < WINDOW; k++)
      win[k] = data[i + k];
    insertion(win, WINDOW);
    h = k_mix(h, (uint32_t)win[WINDOW / 2]);
  }
  for (int i = 0; i < COUNT; i++)
    work[i] = data[i];
  quicksort(work, COUNT);
  for (int i = 0; i < COUNT; i++)
    h = k_mix(h, (uint32_t)work[i]);
  return h;
}
