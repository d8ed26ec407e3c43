/* Biquad: a gyro filter chain as flight stacks run it: two notch filters and a second-order
 * low-pass in cascade, direct form II transposed, over three axes of samples.  Float. */
#include "kernel.h"

#define SAMPLES 1024
#define AXES 3
#define STAGES 3

typedef struct {
  float b0, b1, b2, a1, a2;
} Coeffs;

typedef struct {
  float z1, z2;
} State;

static float input[SAMPLES][AXES];
static Coeffs coeffs[STAGES];

static float biquad(const Coeffs *c, State *s, float x) {
  float y = c->b0 * x + s->z1;
  s->z1 = c->b1 * x - c->a1 * y + s->z2;
  s->z2 = c->b2 * x - c->a2 * y;
  return y;
}

KERNEL_SETUP {
  uint32_t s = 0xBADC0DEu;
  /* Coefficients precomputed for 1 kHz sampling: notches at 120 and 240 Hz (Q 3), low-pass at
   * 90 Hz (Butterworth). */
  coeffs[0] = (Coeffs){0.8845f, -1.2832f, 0.8845f, -1.2832f, 0.7691f};
  coeffs[1] = (Coeffs){0.8160f, -0.0798f, 0.8160f, -0.0798f, 0.6320f};
  coeffs[2] = (Coeffs){0.0592f, 0.1184f, 0.0592f, -1.2247f, 0.4615f};
  for (int i = 0; i < SAMPLES; i++)
    for (int a = 0; a < AXES; a++)
      input[i][a] = 0.3f * (a + 1) * (float)((i / 16) % 2) + 0.2f * k_randf(&s);
}

KERNEL_RUN {
  State st[AXES][STAGES] = {0};
  uint32_t h = 2166136261u;
  for (int i = 0; i < SAMPLES; i++)
    for (int a = 0; a < AXES; a++) {
      float y = input[i][a];
      for (int k = 0; k < STAGES; k++)
        y = biquad(&coeffs[k], &st[a][k], y);
      h = k_mix(h, k_bits(y));
    }
  return h;
}
