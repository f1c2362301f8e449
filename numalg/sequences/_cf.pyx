# Continued-fraction kernels on Python integers.
#
# These loops run on arbitrary-precision integers (the numbers have hundreds of
# digits), so they cannot release the GIL; compiling them removes the
# interpreter's dispatch from the tight Euclid-like loops.


def cf_interval(p1, q1, p2, q2, tuple signs, Py_ssize_t n_terms):
    """Terms shared by the (signed) continued fractions of p1/q1 and p2/q2.

    q1, q2 > 0.  ``signs`` is the periodic numerator pattern (empty: the
    simple continued fraction, all +1).  Term k is floor(y_k) when sign k is
    +1 and ceil(y_k) when it is -1; y_{k+1} = sign_k / (y_k - a_k).

    Returns (terms, status): status 0 when n_terms terms were produced, 1 when
    both endpoints ended exactly together (a rational input, complete
    expansion), 2 when the endpoints disagree or one of them ended (the
    remaining terms are not determined by the interval).
    """
    cdef list terms = []
    cdef Py_ssize_t k = 0, period = len(signs)
    cdef int s
    cdef object a1, a2, r1, r2
    while k < n_terms:
        s = 1 if period == 0 else <int> signs[k % period]
        if s > 0:
            a1 = p1 // q1
            a2 = p2 // q2
        else:
            a1 = -((-p1) // q1)
            a2 = -((-p2) // q2)
        if a1 != a2:
            return terms, 2
        terms.append(a1)
        k += 1
        r1 = p1 - a1 * q1
        r2 = p2 - a2 * q2
        if r1 == 0 or r2 == 0:
            if r1 == 0 and r2 == 0:
                return terms, 1
            return terms, 2
        if s > 0:
            p1, q1 = q1, r1
            p2, q2 = q2, r2
        else:
            p1, q1 = q1, -r1
            p2, q2 = q2, -r2
    return terms, 0


def convergent_pq(a, b):
    """Numerator and denominator of a_0 + b_0/(a_1 + b_1/(... + b_{n-2}/a_{n-1})).

    ``b`` has len(a) - 1 entries (or more; extra entries are ignored).
    Forward recurrence p_k = a_k p_{k-1} + b_{k-1} p_{k-2}.
    """
    cdef Py_ssize_t n = len(a), k
    cdef object p0 = 1, q0 = 0, p1, q1, t
    p1 = a[0]
    q1 = 1
    for k in range(1, n):
        t = p1
        p1 = a[k] * p1 + b[k - 1] * p0
        p0 = t
        t = q1
        q1 = a[k] * q1 + b[k - 1] * q0
        q0 = t
    return p1, q1


def convergent_list(a, b):
    """All convergents (p_k, q_k), k = 0..len(a)-1, as two lists."""
    cdef Py_ssize_t n = len(a), k
    cdef object p0 = 1, q0 = 0, p1, q1, t
    cdef list P = [], Q = []
    p1 = a[0]
    q1 = 1
    P.append(p1)
    Q.append(q1)
    for k in range(1, n):
        t = p1
        p1 = a[k] * p1 + b[k - 1] * p0
        p0 = t
        t = q1
        q1 = a[k] * q1 + b[k - 1] * q0
        q0 = t
        P.append(p1)
        Q.append(q1)
    return P, Q
