/* Vectorisable exp and the row loops of the transport kernels.
 *
 * The dense n x m kernel evaluation exp((s + g_j - M_ij) / reg) is the cost
 * floor of every entropic transport solver, so it is written here in C as a
 * branch-free exp (Cody-Waite reduction, degree-12 Taylor polynomial, exponent
 * built from the bits of a shifted double) that compilers vectorise; on GCC for
 * x86-64 each loop is also cloned for AVX2 and AVX-512 and picked at load time
 * (by CPU features, not by model name, which virtual machines often hide).
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
#define NA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NA_CLONES
#endif

/* The exp body as a macro, so that each target clone of the loops below gets
 * its own inlined, vectorised copy (GCC does not inline a function compiled
 * for another -march into a clone). */
#define NA_EXP(xin, out)                                                    \
    do {                                                                    \
        const double na_log2e_ = 1.4426950408889634074;                     \
        const double na_ln2hi_ = 6.93147180369123816490e-01;                \
        const double na_ln2lo_ = 1.90821492927058770002e-10;                \
        const double na_shift_ = 6755399441055744.0; /* 1.5 * 2^52 */       \
        double x_ = (xin), t_, k_, r_, p_;                                  \
        int64_t tb_, sb_, pb_;                                              \
        x_ = x_ < -708.0 ? -708.0 : x_;                                     \
        x_ = x_ > 709.0 ? 709.0 : x_;                                       \
        t_ = x_ * na_log2e_ + na_shift_;                                    \
        k_ = t_ - na_shift_;                                                \
        r_ = x_ - k_ * na_ln2hi_;                                           \
        r_ = r_ - k_ * na_ln2lo_;                                           \
        p_ = 1.0 / 479001600.0;                                             \
        p_ = p_ * r_ + 1.0 / 39916800.0;                                    \
        p_ = p_ * r_ + 1.0 / 3628800.0;                                     \
        p_ = p_ * r_ + 1.0 / 362880.0;                                      \
        p_ = p_ * r_ + 1.0 / 40320.0;                                       \
        p_ = p_ * r_ + 1.0 / 5040.0;                                        \
        p_ = p_ * r_ + 1.0 / 720.0;                                         \
        p_ = p_ * r_ + 1.0 / 120.0;                                         \
        p_ = p_ * r_ + 1.0 / 24.0;                                          \
        p_ = p_ * r_ + 1.0 / 6.0;                                           \
        p_ = p_ * r_ + 0.5;                                                 \
        p_ = p_ * r_ + 1.0;                                                 \
        p_ = p_ * r_ + 1.0;                                                 \
        memcpy(&tb_, &t_, 8);                                               \
        memcpy(&sb_, &na_shift_, 8);                                        \
        memcpy(&pb_, &p_, 8);                                               \
        pb_ += (int64_t)((uint64_t)(tb_ - sb_) << 52);                      \
        memcpy(&p_, &pb_, 8);                                               \
        (out) = p_;                                                         \
    } while (0)

static inline double na_exp(double x)
{
    double y;
    NA_EXP(x, y);
    return y;
}

/* buf[j] = exp((s + g[j] - M[j]) * inv_reg); returns the sum of buf. */
NA_CLONES static double na_row_exp(const double *M, const double *g, double s,
                                   double inv_reg, double *buf, ptrdiff_t m)
{
    ptrdiff_t j;
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    for (j = 0; j < m; j++)
        NA_EXP((s + g[j] - M[j]) * inv_reg, buf[j]);
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

/* number of j with x[j] >= t */
NA_CLONES static ptrdiff_t na_count_ge(const double *x, double t, ptrdiff_t m)
{
    ptrdiff_t j, c = 0;
    for (j = 0; j < m; j++)
        c += x[j] >= t;
    return c;
}

/* y[j] = exp(x[j]) in place */
NA_CLONES static void na_exp_inplace(double *x, ptrdiff_t m)
{
    ptrdiff_t j;
    for (j = 0; j < m; j++)
        NA_EXP(x[j], x[j]);
}
#endif
