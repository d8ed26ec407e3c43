/* Quaternion: attitude propagation from gyro samples (first-order integration of
 * q' = q * (0, w) / 2, renormalised every step), with the rotation matrix and the tilt taken
 * from it, as an AHRS prediction step does.  Float, sqrtf. */
#include "kernel.h"

#define STEPS 2000

static float gyro[STEPS][3];

KERNEL_SETUP {
  uint32_t s = 0x0DDBA11u;
  for (int i = 0; i < STEPS; i++) {
    gyro[i][0] = 0.8f * k_randf(&s) + 0.2f;
    gyro[i][1] = 0.8f * k_randf(&s) - 0.1f;
    gyro[i][2] = 1.5f * k_randf(&s);
  }
}

KERNEL_RUN {
  const float half_dt = 0.5f / 500;
  float q0 = 1, q1 = 0, q2 = 0, q3 = 0;
  uint32_t h = 2166136261u;
  for (int i = 0; i < STEPS; i++) {
    float gx = gyro[i][0], gy = gyro[i][1], gz = gyro[i][2];
    float d0 = -q1 * gx - q2 * gy - q3 * gz;
    float d1 = q0 * gx + q2 * gz - q3 * gy;
    float d2 = q0 * gy - q1 * gz + q3 * gx;
    float d3 = q0 * gz + q1 * gy - q2 * gx;
    q0 += d0 * half_dt;
    q1 += d1 * half_dt;
    q2 += d2 * half_dt;
    q3 += d3 * half_dt;
    float inv = 1.0f / __builtin_sqrtf(q0 * q0 + q1 * q1 + q2 * q2 + q3 * q3);
    q0 *= inv;
    q1 *= inv;
    q2 *= inv;
    q3 *= inv;
    /* the third row of the rotation matrix: gravity in the body frame, i.e. the tilt */
    float r20 = 2 * (q1 * q3 - q0 * q2);
    float r21 = 2 * (q0 * q1 + q2 * q3);
    float r22 = q0 * q0 - q1 * q1 - q2 * q2 + q3 * q3;
    float tilt = __builtin_fabsf(r20) + __builtin_fabsf(r21) + (1 - r22);
    h = k_mix(h, k_bits(tilt));
  }
  return k_mix(k_mix(k_mix(k_mix(h, k_bits(q0)), k_bits(q1)), k_bits(q2)), k_bits(q3));
}
