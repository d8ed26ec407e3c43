/* Floating point on the board, and objects from clang-19 linked by arm-none-eabi-gcc. */
#include <math.h>
#include <stdio.h>
#include <string.h>

float fk_axpy(float a, float x, float y);
double fk_mix(double a, float b, int n, double c);
float fk_sqrt(float x);
double fk_norm(const double *v, int n);
long long fk_mul64(long long a, long long b);
int fk_f2i(double d);

static int failures;

static void check(const char *what, int ok) {
  printf("%s: %s\n", what, ok ? "ok" : "FAILED");
  failures += !ok;
}

static unsigned bits_f(float f) {
  unsigned u;
  memcpy(&u, &f, sizeof u);
  return u;
}

int main(void) {
  check("axpy", fk_axpy(1.5f, 2.0f, 0.25f) == 3.25f);
  check("mix", fk_mix(1.0, 0.5f, 3, 4.0) == 1.75);
  check("sqrtf", bits_f(fk_sqrt(2.0f)) == 0x3fb504f3u);
  double v[3] = {3.0, 4.0, 12.0};
  check("norm", fk_norm(v, 3) == 13.0);
  check("mul64", fk_mul64(123456789LL, 1000003LL) == 123456789LL * 1000003LL / 7);
  check("f2i", fk_f2i(-7.9) == -7);
  check("libm sin", fabs(sin(1.0) - 0.8414709848078965) < 1e-15);
  char buf[32];
  snprintf(buf, sizeof buf, "%.6f", 3.14159265358979);
  check("printf %f", strcmp(buf, "3.141593") == 0);
  volatile float z = 0.0f;
  check("nan", isnan(z / z));
  return failures;
}
