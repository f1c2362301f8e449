/* Vectorisable exp and the row loops of the transport kernels.
 *
 * The dense n x m kernel evaluation exp((s + g_j - M_ij) / reg) is the cost
 * floor of every entropic transport solver, so it is written here in C as a
 * branch-free exp (Cody-Waite reduction, degree-12 Taylor polynomial, exponent
 * built from the bits of a shifted double) that compilers vectorise; on GCC for
 * x86-64 each loop is also cloned for AVX2+FMA and picked at load time.
 * Arguments are clamped to [-708, 709]: below, the result is 3e-308 instead of
 * a denormal or zero (harmless in sums whose largest term is >= 1e-280), above,
 * a huge finite number whose sums overflow to inf as exp would.
 */
#ifndef NUMALG_OTEXP_H
#define NUMALG_OTEXP_H
#include <stdint.h>
#include <string.h>
#include <stddef.h>
#include <math.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define NA_CLONES __attribute__((target_clones("arch=haswell", "default")))
#else
#define NA_CLONES
#endif

static inline double na_exp(double x)
{
    const double log2e = 1.4426950408889634074;
    const double ln2hi = 6.93147180369123816490e-01;
    const double ln2lo = 1.90821492927058770002e-10;
    const double shifter = 6755399441055744.0; /* 1.5 * 2^52 */
    double t, k, r, p;
    int64_t tb, sb, pb;
    x = x < -708.0 ? -708.0 : x;
    x = x > 709.0 ? 709.0 : x;
    t = x * log2e + shifter;
    k = t - shifter;
    r = x - k * ln2hi;
    r = r - k * ln2lo;
    p = 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    memcpy(&tb, &t, 8);
    memcpy(&sb, &shifter, 8);
    memcpy(&pb, &p, 8);
    pb += (int64_t)((uint64_t)(tb - sb) << 52);
    memcpy(&p, &pb, 8);
    return p;
}

/* buf[j] = exp((s + g[j] - M[j]) * inv_reg); returns the sum of buf. */
NA_CLONES static double na_row_exp(const double *M, const double *g, double s,
                                   double inv_reg, double *buf, ptrdiff_t m)
{
    ptrdiff_t j;
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    for (j = 0; j < m; j++)
        buf[j] = na_exp((s + g[j] - M[j]) * inv_reg);
    for (j = 0; j + 4 <= m; j += 4) {
        s0 += buf[j];
        s1 += buf[j + 1];
        s2 += buf[j + 2];
        s3 += buf[j + 3];
    }
    for (; j < m; j++)
        s0 += buf[j];
    return (s0 + s1) + (s2 + s3);
}

/* max_j (g[j] - M[j]) */
NA_CLONES static double na_row_max(const double *M, const double *g, ptrdiff_t m)
{
    ptrdiff_t j;
    double mx = -HUGE_VAL, v;
    for (j = 0; j < m; j++) {
        v = g[j] - M[j];
        mx = v > mx ? v : mx;
    }
    return mx;
}

/* c[j] += s * buf[j] */
NA_CLONES static void na_axpy(double *c, double s, const double *buf, ptrdiff_t m)
{
    ptrdiff_t j;
    for (j = 0; j < m; j++)
        c[j] += s * buf[j];
}

/* sum_j x[j] y[j] */
NA_CLONES static double na_dot(const double *x, const double *y, ptrdiff_t m)
{
    ptrdiff_t j;
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    for (j = 0; j + 4 <= m; j += 4) {
        s0 += x[j] * y[j];
        s1 += x[j + 1] * y[j + 1];
        s2 += x[j + 2] * y[j + 2];
        s3 += x[j + 3] * y[j + 3];
    }
    for (; j < m; j++)
        s0 += x[j] * y[j];
    return (s0 + s1) + (s2 + s3);
}

/* y[j] = exp(x[j]) in place */
NA_CLONES static void na_exp_inplace(double *x, ptrdiff_t m)
{
    ptrdiff_t j;
    for (j = 0; j < m; j++)
        x[j] = na_exp(x[j]);
}
#endif
