/* Template of the dense FWHT kernels, included by _fwht_kernel.h once per
 * (type, instruction set).  Before including, define:
 *   FT        the element type (double or float)
 *   FN(name)  the name mangling of this instance
 *   ATTR      function attributes (a target() for the SIMD instances)
 *   BASE8     optional: the name of an in-register base kernel (spans 1, 2, 4)
 * The loops are written so that the compiler vectorises them along j: each
 * butterfly stream is a separate restrict pointer to a contiguous run. */

static ATTR inline void FN(bfly2)(FT *restrict p0, FT *restrict p1, size_t h)
{
    for (size_t j = 0; j < h; j++) {
        FT a = p0[j], b = p1[j];
        p0[j] = a + b;
        p1[j] = a - b;
    }
}

static ATTR void FN(radix2)(FT *restrict x, size_t n, size_t h)
{
    for (size_t i = 0; i < n; i += 2 * h) {
        FN(bfly2)(x + i, x + i + h, h);
    }
}

static ATTR inline void FN(bfly4)(FT *restrict p0, FT *restrict p1, FT *restrict p2,
                                  FT *restrict p3, size_t h)
{
    for (size_t j = 0; j < h; j++) {
        FT a0 = p0[j], a1 = p1[j], a2 = p2[j], a3 = p3[j];
        FT b0 = a0 + a1, b1 = a0 - a1, b2 = a2 + a3, b3 = a2 - a3;
        p0[j] = b0 + b2;
        p2[j] = b0 - b2;
        p1[j] = b1 + b3;
        p3[j] = b1 - b3;
    }
}

static ATTR void FN(radix4)(FT *restrict x, size_t n, size_t h)
{
    for (size_t i = 0; i < n; i += 4 * h) {
        FT *p = x + i;
        FN(bfly4)(p, p + h, p + 2 * h, p + 3 * h, h);
    }
}

/* Three stages (spans h, 2h, 4h) on eight runs of length h.  The runs are
 * restrict parameters (GCC honours restrict on parameters, not on locals),
 * so the loop vectorises without run-time alias checks. */
static ATTR inline void FN(bfly8)(FT *restrict p0, FT *restrict p1, FT *restrict p2,
                                  FT *restrict p3, FT *restrict p4, FT *restrict p5,
                                  FT *restrict p6, FT *restrict p7, size_t h)
{
    for (size_t j = 0; j < h; j++) {
        FT a0 = p0[j], a1 = p1[j], a2 = p2[j], a3 = p3[j];
        FT a4 = p4[j], a5 = p5[j], a6 = p6[j], a7 = p7[j];
        FT b0 = a0 + a1, b1 = a0 - a1, b2 = a2 + a3, b3 = a2 - a3;
        FT b4 = a4 + a5, b5 = a4 - a5, b6 = a6 + a7, b7 = a6 - a7;
        FT c0 = b0 + b2, c2 = b0 - b2, c1 = b1 + b3, c3 = b1 - b3;
        FT c4 = b4 + b6, c6 = b4 - b6, c5 = b5 + b7, c7 = b5 - b7;
        p0[j] = c0 + c4;
        p4[j] = c0 - c4;
        p1[j] = c1 + c5;
        p5[j] = c1 - c5;
        p2[j] = c2 + c6;
        p6[j] = c2 - c6;
        p3[j] = c3 + c7;
        p7[j] = c3 - c7;
    }
}

/* Three stages (spans h, 2h, 4h) in one pass over x[0:n]. */
static ATTR void FN(radix8)(FT *restrict x, size_t n, size_t h)
{
    for (size_t i = 0; i < n; i += 8 * h) {
        FT *p = x + i;
        FN(bfly8)(p, p + h, p + 2 * h, p + 3 * h, p + 4 * h, p + 5 * h, p + 6 * h, p + 7 * h, h);
    }
}

#ifndef BASE8
/* Spans 1, 2, 4 on each run of 8, in registers, times s (n a multiple of 8). */
static ATTR void FN(base8)(FT *restrict x, size_t n, FT s)
{
    for (size_t i = 0; i < n; i += 8) {
        FT *restrict p = x + i;
        FT a0 = p[0] + p[1], a1 = p[0] - p[1], a2 = p[2] + p[3], a3 = p[2] - p[3];
        FT a4 = p[4] + p[5], a5 = p[4] - p[5], a6 = p[6] + p[7], a7 = p[6] - p[7];
        FT b0 = a0 + a2, b1 = a1 + a3, b2 = a0 - a2, b3 = a1 - a3;
        FT b4 = a4 + a6, b5 = a5 + a7, b6 = a4 - a6, b7 = a5 - a7;
        p[0] = s * (b0 + b4);
        p[1] = s * (b1 + b5);
        p[2] = s * (b2 + b6);
        p[3] = s * (b3 + b7);
        p[4] = s * (b0 - b4);
        p[5] = s * (b1 - b5);
        p[6] = s * (b2 - b6);
        p[7] = s * (b3 - b7);
    }
}
#define BASE8_CALL FN(base8)
#else
#define BASE8_CALL BASE8
#endif

/* In-cache transform of x[0:n] (n >= 8 a power of two), times s. */
static ATTR void FN(small)(FT *restrict x, size_t n, FT s)
{
    size_t h = 8;
    BASE8_CALL(x, n, s);
    while (8 * h <= n) {
        FN(radix8)(x, n, h);
        h *= 8;
    }
    if (4 * h <= n) {
        FN(radix4)(x, n, h);
    } else if (2 * h <= n) {
        FN(radix2)(x, n, h);
    }
}

/* Depth-first: eight sub-transforms of n/8, then one radix-8 pass that
 * combines them, so every level works on data that is still in cache. */
static ATTR void FN(rec)(FT *restrict x, size_t n, size_t leaf, FT s)
{
    if (n <= leaf) {
        FN(small)(x, n, s);
        return;
    }
    size_t q = n / 8;
    for (int t = 0; t < 8; t++) {
        FN(rec)(x + t * q, q, leaf, s);
    }
    FN(radix8)(x, n, q);
}

static ATTR void FN(transform)(FT *restrict x, size_t n, FT s)
{
    if (n < 8) {
        size_t h;
        for (h = 1; h < n; h *= 2) {
            FN(radix2)(x, n, h);
        }
        if (s != (FT)1) {
            for (size_t i = 0; i < n; i++) x[i] *= s;
        }
        return;
    }
    /* Leaf of 2^9 .. 2^LEAF_BITS elements, chosen so that the levels above
     * it are whole radix-8 passes. */
    int bits = 0;
    while (((size_t)1 << bits) < n) bits++;
    if (bits <= LEAF_BITS) {
        FN(small)(x, n, s);
        return;
    }
    int leaf_bits = LEAF_BITS - ((bits - LEAF_BITS) % 3);
    FN(rec)(x, n, (size_t)1 << leaf_bits, s);
}

#undef BASE8_CALL
