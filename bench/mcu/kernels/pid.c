/* PID: a cascaded angle -> rate controller for three axes, as a multicopter's attitude loop runs
 * it, closed around a simple rigid-body plant with motor lag; integrator anti-windup, derivative
 * on measurement through a first-order low-pass, output saturation.  Float. */
#include "kernel.h"

#define STEPS 1500
#define AXES 3

typedef struct {
  float kp, ki, kd, ilimit, dlpf, out_limit;
  float integ, prev_meas, dterm;
} Pid;

static float setpoint[STEPS][AXES];
static float disturbance[STEPS][AXES];

static float clampf(float v, float lim) { return v > lim ? lim : v < -lim ? -lim : v; }

static float pid_update(Pid *p, float sp, float meas, float dt) {
  float err = sp - meas;
  p->integ = clampf(p->integ + p->ki * err * dt, p->ilimit);
  float d = -(meas - p->prev_meas) / dt;
  p->prev_meas = meas;
  p->dterm += p->dlpf * (d - p->dterm);
  return clampf(p->kp * err + p->integ + p->kd * p->dterm, p->out_limit);
}

KERNEL_SETUP {
  uint32_t s = 0x1234567u;
  for (int i = 0; i < STEPS; i++)
    for (int a = 0; a < AXES; a++) {
      /* a stick input held for 250 steps at a time, and sensor noise */
      setpoint[i][a] = (i / 250) % 2 ? 0.5f * (a + 1) : -0.25f * (a + 1);
      disturbance[i][a] = 0.01f * k_randf(&s);
    }
}

KERNEL_RUN {
  const float dt = 1.0f / 1000;
  Pid angle[AXES], rate[AXES];
  float att[AXES] = {0}, omega[AXES] = {0}, torque[AXES] = {0};
  for (int a = 0; a < AXES; a++) {
    angle[a] = (Pid){6.5f, 0.0f, 0.0f, 0.0f, 1.0f, 3.5f, 0, 0, 0};
    rate[a] = (Pid){0.15f, 0.2f, 0.003f, 0.3f, 0.25f, 1.0f, 0, 0, 0};
  }
  uint32_t h = 2166136261u;
  for (int i = 0; i < STEPS; i++) {
    for (int a = 0; a < AXES; a++) {
      float rate_sp = pid_update(&angle[a], setpoint[i][a], att[a], dt);
      float cmd = pid_update(&rate[a], rate_sp, omega[a] + disturbance[i][a], dt);
      torque[a] += 0.1f * (cmd - torque[a]); /* motor lag */
      omega[a] += (torque[a] * 40.0f - 0.05f * omega[a]) * dt;
      att[a] += omega[a] * dt;
      h = k_mix(h, k_bits(cmd));
    }
  }
  for (int a = 0; a < AXES; a++)
    h = k_mix(k_mix(h, k_bits(att[a])), k_bits(omega[a]));
  return h;
}
