/* Dense fast Walsh-Hadamard transform, natural (Hadamard) order, in place.
 *
 * numalg_fwht_d(x, n, s) / numalg_fwht_f(x, n, s): x[0:n] <- s * H_n x, n a
 * power of two.  The same template (_fwht_impl.h) is compiled for plain C
 * and, on x86-64 with GCC or Clang, for AVX2 and AVX-512 with an in-register
 * base kernel; the widest instruction set the CPU supports is picked at run
 * time, so the extension stays portable. */
#ifndef NUMALG_FWHT_KERNEL_H
#define NUMALG_FWHT_KERNEL_H

#include <stddef.h>

#if defined(_MSC_VER) && !defined(__clang__)
#define restrict __restrict
#endif

/* Leaves of at most 2^LEAF_BITS elements are transformed in L1. */
#ifndef LEAF_BITS
#define LEAF_BITS 11
#endif

/* ---- portable instances ---- */
#define ATTR
#define FT double
#define FN(name) numalg_fwht_d_generic_##name
#include "_fwht_impl.h"
#undef FT
#undef FN
#define FT float
#define FN(name) numalg_fwht_f_generic_##name
#include "_fwht_impl.h"
#undef FT
#undef FN
#undef ATTR

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define NUMALG_FWHT_X86 1
#include <immintrin.h>

#define NUMALG_AVX2 __attribute__((target("avx2,fma")))

/* Spans 1, 2, 4 of 8 doubles held in two 4-wide registers. */
static NUMALG_AVX2 inline __m256d numalg_avx2_d_span12(__m256d a)
{
    __m256d b = _mm256_permute_pd(a, 0x5);              /* x1 x0 x3 x2 */
    a = _mm256_blend_pd(_mm256_add_pd(a, b), _mm256_sub_pd(b, a), 0xA);
    b = _mm256_permute4x64_pd(a, 0x4E);                 /* x2 x3 x0 x1 */
    return _mm256_blend_pd(_mm256_add_pd(a, b), _mm256_sub_pd(b, a), 0xC);
}

static NUMALG_AVX2 void numalg_avx2_d_base8(double *restrict x, size_t n, double s)
{
    __m256d vs = _mm256_set1_pd(s);
    for (size_t i = 0; i < n; i += 8) {
        __m256d lo = numalg_avx2_d_span12(_mm256_loadu_pd(x + i));
        __m256d hi = numalg_avx2_d_span12(_mm256_loadu_pd(x + i + 4));
        _mm256_storeu_pd(x + i, _mm256_mul_pd(vs, _mm256_add_pd(lo, hi)));
        _mm256_storeu_pd(x + i + 4, _mm256_mul_pd(vs, _mm256_sub_pd(lo, hi)));
    }
}

/* Spans 1, 2, 4 of 8 floats in one register. */
static NUMALG_AVX2 void numalg_avx2_f_base8(float *restrict x, size_t n, float s)
{
    __m256 vs = _mm256_set1_ps(s);
    for (size_t i = 0; i < n; i += 8) {
        __m256 a = _mm256_loadu_ps(x + i);
        __m256 b = _mm256_permute_ps(a, 0xB1);
        a = _mm256_blend_ps(_mm256_add_ps(a, b), _mm256_sub_ps(b, a), 0xAA);
        b = _mm256_permute_ps(a, 0x4E);
        a = _mm256_blend_ps(_mm256_add_ps(a, b), _mm256_sub_ps(b, a), 0xCC);
        b = _mm256_permute2f128_ps(a, a, 0x01);
        a = _mm256_blend_ps(_mm256_add_ps(a, b), _mm256_sub_ps(b, a), 0xF0);
        _mm256_storeu_ps(x + i, _mm256_mul_ps(vs, a));
    }
}

#define ATTR NUMALG_AVX2
#define FT double
#define FN(name) numalg_fwht_d_avx2_##name
#define BASE8 numalg_avx2_d_base8
#include "_fwht_impl.h"
#undef BASE8
#undef FT
#undef FN
#define FT float
#define FN(name) numalg_fwht_f_avx2_##name
#define BASE8 numalg_avx2_f_base8
#include "_fwht_impl.h"
#undef BASE8
#undef FT
#undef FN
#undef ATTR

#define NUMALG_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define ATTR NUMALG_AVX512
#define FT double
#define FN(name) numalg_fwht_d_avx512_##name
#define BASE8 numalg_avx2_d_base8
#include "_fwht_impl.h"
#undef BASE8
#undef FT
#undef FN
#define FT float
#define FN(name) numalg_fwht_f_avx512_##name
#define BASE8 numalg_avx2_f_base8
#include "_fwht_impl.h"
#undef BASE8
#undef FT
#undef FN
#undef ATTR

/* 0: portable, 1: AVX2, 2: AVX-512; -1: not probed yet.  NUMALG_FWHT_ISA
 * (an environment variable: generic, avx2, avx512) caps the choice. */
#include <stdlib.h>
#include <string.h>
static int numalg_fwht_isa = -1;

static int numalg_fwht_probe(void)
{
    int isa = 0;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) isa = 1;
    if (isa == 1 && __builtin_cpu_supports("avx512f")) isa = 2;
    const char *cap = getenv("NUMALG_FWHT_ISA");
    if (cap != NULL) {
        if (strcmp(cap, "generic") == 0) isa = 0;
        else if (strcmp(cap, "avx2") == 0 && isa > 1) isa = 1;
    }
    return isa;
}
#endif

static int numalg_fwht_isa_name(void)
{
#ifdef NUMALG_FWHT_X86
    if (numalg_fwht_isa < 0) numalg_fwht_isa = numalg_fwht_probe();
    return numalg_fwht_isa;
#else
    return 0;
#endif
}

static void numalg_fwht_d(double *x, size_t n, double s)
{
#ifdef NUMALG_FWHT_X86
    int isa = numalg_fwht_isa_name();
    if (isa == 2) { numalg_fwht_d_avx512_transform(x, n, s); return; }
    if (isa == 1) { numalg_fwht_d_avx2_transform(x, n, s); return; }
#endif
    numalg_fwht_d_generic_transform(x, n, s);
}

static void numalg_fwht_f(float *x, size_t n, float s)
{
#ifdef NUMALG_FWHT_X86
    int isa = numalg_fwht_isa_name();
    if (isa == 2) { numalg_fwht_f_avx512_transform(x, n, s); return; }
    if (isa == 1) { numalg_fwht_f_avx2_transform(x, n, s); return; }
#endif
    numalg_fwht_f_generic_transform(x, n, s);
}

#endif
