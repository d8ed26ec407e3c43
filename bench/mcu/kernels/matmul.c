/* Matrix multiply: the 6x6 products of an EKF covariance prediction, P' = F P F^T + Q,
 * repeated with a time-varying F.  Float. */
#include "kernel.h"

#define N 6
#define ROUNDS 150

static float F[ROUNDS][N][N];
static float P0[N][N];
static float Q[N];

static void mul(float c[N][N], const float a[N][N], const float b[N][N]) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      float s = 0;
      for (int k = 0; k < N; k++)
        s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
}

static void mul_bt(float c[N][N], const float a[N][N], const float b[N][N]) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      float s = 0;
      for (int k = 0; k < N; k++)
        s += a[i][k] * b[j][k];
      c[i][j] = s;
    }
}

KERNEL_SETUP {
  uint32_t s = 0xC0FFEEu;
  for (int r = 0; r < ROUNDS; r++)
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++)
        F[r][i][j] = (i == j ? 1.0f : 0.0f) + 0.01f * k_randf(&s);
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++)
      P0[i][j] = i == j ? 0.5f : 0.01f * k_randf(&s);
    Q[i] = 0.001f * (i + 1);
  }
}

KERNEL_RUN {
  float P[N][N], T[N][N];
  uint32_t h = 2166136261u;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      P[i][j] = P0[i][j];
  for (int r = 0; r < ROUNDS; r++) {
    mul(T, F[r], P);
    mul_bt(P, T, F[r]);
    for (int i = 0; i < N; i++)
      P[i][i] += Q[i];
    h = k_mix(h, k_bits(P[r % N][(r / N) % N]));
  }
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      h = k_mix(h, k_bits(P[i][j]));
  return h;
}
