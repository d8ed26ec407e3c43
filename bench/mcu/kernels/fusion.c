/* Sensor fusion: roll and pitch from gyro and accelerometer, each through a two-state Kalman
 * filter (angle and gyro bias: predict, then correct with the accelerometer's angle), and a
 * complementary filter as a cross-check, as small flight controllers estimate attitude.  The
 * accelerometer angle uses a polynomial atan2 (no libm in the wasm builds).  Float. */
#include "kernel.h"

#define STEPS 1200

typedef struct {
  float angle, bias;
  float p00, p01, p10, p11;
} Kalman;

static float acc[STEPS][3];
static float gyr[STEPS][2];

/* atan2 to about 1e-5 rad: octant reduction and a degree-9 odd polynomial on [0, 1]. */
static float atan2_approx(float y, float x) {
  const float pi = 3.14159265f, half_pi = 1.57079633f;
  float ax = __builtin_fabsf(x), ay = __builtin_fabsf(y);
  if (ax == 0 && ay == 0)
    return 0;
  float a = ax > ay ? ay / ax : ax / ay;
  float s = a * a;
  float r = ((((0.0208351f * s - 0.0851330f) * s + 0.1801410f) * s - 0.3302995f) * s +
             0.9998660f) * a;
  if (ay > ax) r = half_pi - r;
  if (x < 0) r = pi - r;
  return y < 0 ? -r : r;
}

static float kalman_step(Kalman *k, float measured, float rate, float dt) {
  const float q_angle = 0.001f, q_bias = 0.003f, r_measure = 0.03f;
  k->angle += dt * (rate - k->bias);
  k->p00 += dt * (dt * k->p11 - k->p01 - k->p10 + q_angle);
  k->p01 -= dt * k->p11;
  k->p10 -= dt * k->p11;
  k->p11 += q_bias * dt;
  float s = k->p00 + r_measure;
  float k0 = k->p00 / s, k1 = k->p10 / s;
  float y = measured - k->angle;
  k->angle += k0 * y;
  k->bias += k1 * y;
  float p00 = k->p00, p01 = k->p01;
  k->p00 -= k0 * p00;
  k->p01 -= k0 * p01;
  k->p10 -= k1 * p00;
  k->p11 -= k1 * p01;
  return k->angle;
}

KERNEL_SETUP {
  uint32_t s = 0xA11CE5u;
  for (int i = 0; i < STEPS; i++) {
    float t = (float)(i % 400) / 400.0f; /* a slow rocking motion, piecewise linear */
    float roll = t < 0.5f ? t - 0.25f : 0.75f - t;
    acc[i][0] = -0.4f * roll + 0.05f * k_randf(&s);
    acc[i][1] = 0.6f * roll + 0.05f * k_randf(&s);
    acc[i][2] = 0.98f + 0.05f * k_randf(&s);
    gyr[i][0] = 0.02f + 0.1f * k_randf(&s);
    gyr[i][1] = -0.01f + 0.1f * k_randf(&s);
  }
}

KERNEL_RUN {
  const float dt = 0.004f, alpha = 0.98f;
  Kalman roll = {0, 0, 0, 0, 0, 0}, pitch = {0, 0, 0, 0, 0, 0};
  float c_roll = 0, c_pitch = 0;
  uint32_t h = 2166136261u;
  for (int i = 0; i < STEPS; i++) {
    float ax = acc[i][0], ay = acc[i][1], az = acc[i][2];
    float acc_roll = atan2_approx(ay, az);
    float acc_pitch = atan2_approx(-ax, __builtin_sqrtf(ay * ay + az * az));
    float r = kalman_step(&roll, acc_roll, gyr[i][0], dt);
    float p = kalman_step(&pitch, acc_pitch, gyr[i][1], dt);
    c_roll = alpha * (c_roll + gyr[i][0] * dt) + (1 - alpha) * acc_roll;
    c_pitch = alpha * (c_pitch + gyr[i][1] * dt) + (1 - alpha) * acc_pitch;
    h = k_mix(k_mix(h, k_bits(r)), k_bits(p));
    h = k_mix(h, k_bits(c_roll - r) ^ k_bits(c_pitch - p));
  }
  return k_mix(k_mix(h, k_bits(roll.bias)), k_bits(pitch.bias));
}
