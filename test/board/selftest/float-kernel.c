/* Compiled by clang-19 for thumbv7em-unknown-none-eabihf, called from float-main.c built by
 * arm-none-eabi-gcc: floats and doubles must cross in VFP registers (hard-float ABI). */
float fk_axpy(float a, float x, float y) { return a * x + y; }

double fk_mix(double a, float b, int n, double c) { return a / c + (double)b * n; }

float fk_sqrt(float x) { return __builtin_sqrtf(x); }

double fk_norm(const double *v, int n) {
  double s = 0;
  for (int i = 0; i < n; i++)
    s += v[i] * v[i];
  return __builtin_sqrt(s);
}

long long fk_mul64(long long a, long long b) { return a * b / 7; }

int fk_f2i(double d) { return (int)d; }
