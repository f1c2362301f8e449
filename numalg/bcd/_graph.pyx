# Block coordinate descent on a sparse quadratic 1/2 x^T A x - b^T x (A symmetric
# positive semi-definite, CSR, e.g. a graph Laplacian with labelled nodes fixed),
# with forest blocks solved exactly by message passing.
#
# Message passing: when the block b induces a forest in the graph of A, the
# Newton system A_bb d = -g_b is solved in O(|b| + edges) by Gaussian
# elimination from the leaves to the roots (each leaf's pivot is folded into
# its parent) and back-substitution from the roots to the leaves.
from libc.math cimport fabs, sqrt, INFINITY
from libc.stdlib cimport malloc, free
from scipy.linalg.cython_lapack cimport dposv

cdef enum:
    CYCLIC = 0
    RANDOM = 1
    LIPSCHITZ = 2
    GS = 3
    GSL = 4
    GSD = 5
    GSQ = 6

cdef enum:
    P_VARIABLE = 0
    P_FIXED = 1
    P_GREEDY_TREE = 2

cdef enum:
    U_NEWTON = 0
    U_GRADIENT = 1
    U_BACKTRACKING = 2
    U_MESSAGE = 3


cdef struct ScoreIdx:
    double s
    Py_ssize_t i


cdef inline unsigned long long _rng_next(unsigned long long* s) noexcept nogil:
    cdef unsigned long long x = s[0]
    x ^= x >> 12
    x ^= x << 25
    x ^= x >> 27
    s[0] = x
    return x * 2685821657736338717ULL


cdef inline double _rng_unif(unsigned long long* s) noexcept nogil:
    return (_rng_next(s) >> 11) * (1.0 / 9007199254740992.0)


cdef union _DU:
    double d
    unsigned long long u


cdef Py_ssize_t _sort_desc(const double* sc, const Py_ssize_t* ids, Py_ssize_t m,
                           unsigned int* ka, Py_ssize_t* ia, unsigned int* kb, Py_ssize_t* ib,
                           Py_ssize_t* cnt, Py_ssize_t* out) noexcept nogil:
    """Indices ``ids[a]`` with ``sc[a] > 0`` into ``out`` by decreasing score; returns the count.

    An LSD radix sort (4 passes of 8 bits, stable) on the top 32 bits of the
    IEEE-754 pattern, which orders positive doubles; scores equal to about
    1e-6 relative keep their input order.  ``cnt`` holds 4 * 256 counters,
    the four buffers ``m`` entries each.
    """
    cdef Py_ssize_t a, nc = 0, b, tot, c
    cdef unsigned int key
    cdef int pss, sh
    cdef _DU du
    cdef unsigned int* kt
    cdef Py_ssize_t* it
    for a in range(4 * 256):
        cnt[a] = 0
    for a in range(m):
        if sc[a] > 0.0:
            du.d = sc[a]
            key = 0xFFFFFFFFu - <unsigned int> (du.u >> 32)
            ka[nc] = key
            ia[nc] = ids[a]
            cnt[key & 0xFF] += 1
            cnt[256 + ((key >> 8) & 0xFF)] += 1
            cnt[512 + ((key >> 16) & 0xFF)] += 1
            cnt[768 + (key >> 24)] += 1
            nc += 1
    for pss in range(4):
        sh = 8 * pss
        # a pass where every key has the same digit changes nothing
        if nc == 0 or cnt[256 * pss + ((ka[0] >> sh) & 0xFF)] == nc:
            continue
        tot = 0
        for b in range(256):
            c = cnt[256 * pss + b]
            cnt[256 * pss + b] = tot
            tot += c
        for a in range(nc):
            b = 256 * pss + ((ka[a] >> sh) & 0xFF)
            c = cnt[b]
            cnt[b] = c + 1
            kb[c] = ka[a]
            ib[c] = ia[a]
        kt = ka
        ka = kb
        kb = kt
        it = ia
        ia = ib
        ib = it
    for a in range(nc):
        out[a] = ia[a]
    return nc


cdef Py_ssize_t _find(Py_ssize_t* uf, Py_ssize_t i) noexcept nogil:
    cdef Py_ssize_t r = i, t
    while uf[r] != r:
        r = uf[r]
    while uf[i] != r:
        t = uf[i]
        uf[i] = r
        i = t
    return r


cdef int _tree_solve(const int[::1] indptr, const int[::1] indices, const double[::1] data,
                     const double[::1] diag, const Py_ssize_t* blk, Py_ssize_t nb,
                     const double* rhs, double* x, Py_ssize_t* pos, Py_ssize_t* parent,
                     Py_ssize_t* order, double* pw, double* dd, double* rr) noexcept nogil:
    """Solve A_bb x = rhs for a block inducing a forest; 0 on success, 1 if not a forest.

    ``pos`` (length n, all -1 on entry and on exit) maps nodes to block positions.
    """
    cdef Py_ssize_t a, c, p, k, head, tail, root, node, nbr, lp
    cdef int status = 0
    cdef double piv
    for a in range(nb):
        pos[blk[a]] = a
        parent[a] = -2  # unvisited
    tail = 0
    for root in range(nb):
        if parent[root] != -2:
            continue
        parent[root] = -1
        pw[root] = 0.0
        order[tail] = root
        tail += 1
        head = tail - 1
        while head < tail:
            c = order[head]
            head += 1
            node = blk[c]
            for k in range(indptr[node], indptr[node + 1]):
                nbr = indices[k]
                if nbr == node:
                    continue
                lp = pos[nbr]
                if lp < 0 or data[k] == 0.0:
                    continue
                if lp == parent[c]:
                    continue
                if parent[lp] != -2:
                    status = 1  # a cycle (or a second edge to the parent)
                    break
                parent[lp] = c
                pw[lp] = data[k]
                order[tail] = lp
                tail += 1
            if status:
                break
        if status:
            break
    if status == 0:
        for a in range(nb):
            dd[a] = diag[blk[a]]
            rr[a] = rhs[a]
        # leaves -> roots
        a = nb - 1
        while a >= 0:
            c = order[a]
            p = parent[c]
            if p >= 0 and dd[c] > 1e-300:
                dd[p] -= pw[c] * pw[c] / dd[c]
                rr[p] -= pw[c] * rr[c] / dd[c]
            a -= 1
        # roots -> leaves
        for a in range(nb):
            c = order[a]
            p = parent[c]
            piv = dd[c]
            if piv <= 1e-14 * (fabs(diag[blk[c]]) + 1e-300):
                x[c] = 0.0  # singular direction (a component without fixed nodes)
            elif p < 0:
                x[c] = rr[c] / piv
            else:
                x[c] = (rr[c] - pw[c] * x[p]) / piv
    for a in range(nb):
        pos[blk[a]] = -1
    return status


def forest_solve(const int[::1] indptr, const int[::1] indices, const double[::1] data,
                 const double[::1] diag, const Py_ssize_t[::1] block, const double[::1] rhs,
                 double[::1] out):
    """Solve A[block, block] x = rhs by message passing; returns False if not a forest."""
    cdef Py_ssize_t n = diag.shape[0], nb = block.shape[0], i
    cdef int st
    cdef Py_ssize_t* pos = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* parent = <Py_ssize_t*> malloc((nb + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* order = <Py_ssize_t*> malloc((nb + 1) * sizeof(Py_ssize_t))
    cdef double* pw = <double*> malloc((nb + 1) * sizeof(double))
    cdef double* dd = <double*> malloc((nb + 1) * sizeof(double))
    cdef double* rr = <double*> malloc((nb + 1) * sizeof(double))
    with nogil:
        for i in range(n):
            pos[i] = -1
        st = _tree_solve(indptr, indices, data, diag, &block[0] if nb > 0 else NULL, nb,
                         &rhs[0] if nb > 0 else NULL, &out[0] if nb > 0 else NULL,
                         pos, parent, order, pw, dd, rr)
    free(pos)
    free(parent)
    free(order)
    free(pw)
    free(dd)
    free(rr)
    return st == 0


cdef Py_ssize_t _grow_forest(const int[::1] indptr, const int[::1] indices,
                             const double[::1] data, const Py_ssize_t* cand, Py_ssize_t nc,
                             Py_ssize_t max_size, Py_ssize_t* uf, char* inb,
                             Py_ssize_t* roots, Py_ssize_t* blk) noexcept nogil:
    """Greedily add candidates (in order) while the block stays a forest."""
    cdef Py_ssize_t a, v, k, nbr, r, nr, q, nb = 0
    cdef bint ok
    for a in range(nc):
        if nb >= max_size:
            break
        v = cand[a]
        nr = 0
        ok = True
        for k in range(indptr[v], indptr[v + 1]):
            nbr = indices[k]
            if nbr == v or not inb[nbr] or data[k] == 0.0:
                continue
            r = _find(uf, nbr)
            for q in range(nr):
                if roots[q] == r:
                    ok = False
                    break
            if not ok:
                break
            roots[nr] = r
            nr += 1
        if not ok:
            continue
        inb[v] = 1
        uf[v] = v
        for q in range(nr):
            uf[roots[q]] = v
        blk[nb] = v
        nb += 1
    for a in range(nb):
        inb[blk[a]] = 0
        uf[blk[a]] = blk[a]
    return nb


def forest_partition(const int[::1] indptr, const int[::1] indices, const double[::1] data,
                     const Py_ssize_t[::1] order, Py_ssize_t[::1] labels):
    """Partition the nodes ``order`` into forests (maximal, greedily); returns the count."""
    cdef Py_ssize_t n = labels.shape[0], m = order.shape[0], i, nb, left, nf = 0, a
    cdef Py_ssize_t* uf = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef char* inb = <char*> malloc((n + 1) * sizeof(char))
    cdef Py_ssize_t* roots = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* blk = <Py_ssize_t*> malloc((m + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* cand = <Py_ssize_t*> malloc((m + 1) * sizeof(Py_ssize_t))
    with nogil:
        for i in range(n):
            uf[i] = i
            inb[i] = 0
        for a in range(m):
            cand[a] = order[a]
        left = m
        while left > 0:
            nb = _grow_forest(indptr, indices, data, cand, left, left, uf, inb, roots, blk)
            for a in range(nb):
                labels[blk[a]] = nf
                inb[blk[a]] = 1
            # keep the remaining candidates, in order
            i = 0
            for a in range(left):
                if not inb[cand[a]]:
                    cand[i] = cand[a]
                    i += 1
            for a in range(nb):
                inb[blk[a]] = 0
            left = i
            nf += 1
    free(uf)
    free(inb)
    free(roots)
    free(blk)
    free(cand)
    return nf


def greedy_forest(const int[::1] indptr, const int[::1] indices, const double[::1] data,
                  const double[::1] score, Py_ssize_t max_size):
    """The greedy tree block: a maximal forest grown in decreasing score order."""
    import numpy as np
    cdef Py_ssize_t n = score.shape[0], i, nc = 0, nb
    out = np.empty(n, dtype=np.intp)
    cdef Py_ssize_t[::1] o = out
    cdef Py_ssize_t* ids = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef unsigned int* ka = <unsigned int*> malloc((n + 1) * sizeof(unsigned int))
    cdef unsigned int* kb = <unsigned int*> malloc((n + 1) * sizeof(unsigned int))
    cdef Py_ssize_t* ia = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* ib = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* cnt = <Py_ssize_t*> malloc(4 * 256 * sizeof(Py_ssize_t))
    cdef Py_ssize_t* uf = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef char* inb = <char*> malloc((n + 1) * sizeof(char))
    cdef Py_ssize_t* roots = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* cand = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    with nogil:
        for i in range(n):
            uf[i] = i
            inb[i] = 0
            ids[i] = i
        nc = _sort_desc(&score[0] if n > 0 else NULL, ids, n, ka, ia, kb, ib, cnt, cand)
        nb = _grow_forest(indptr, indices, data, cand, nc, max_size, uf, inb, roots,
                          &o[0] if n > 0 else NULL)
    free(ids)
    free(ka)
    free(kb)
    free(ia)
    free(ib)
    free(cnt)
    free(uf)
    free(inb)
    free(roots)
    free(cand)
    return out[:nb]


# ---------------------------------------------------------------- indexed max-heap
# Greedy scores of variable blocks on a graph are kept in a binary max-heap of
# the free nodes: a block update changes the gradient only at the block and its
# neighbours, so their keys are updated in O(deg log n) instead of rescanning
# all n scores.

cdef inline void _hswap(Py_ssize_t* hp, Py_ssize_t* posh, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    cdef Py_ssize_t t = hp[a]
    hp[a] = hp[b]
    hp[b] = t
    posh[hp[a]] = a
    posh[hp[b]] = b


cdef inline void _hup(Py_ssize_t* hp, Py_ssize_t* posh, const double* key, Py_ssize_t k) noexcept nogil:
    cdef Py_ssize_t par
    while k > 0:
        par = (k - 1) >> 1
        if key[hp[par]] >= key[hp[k]]:
            break
        _hswap(hp, posh, par, k)
        k = par


cdef inline void _hdown(Py_ssize_t* hp, Py_ssize_t* posh, const double* key, Py_ssize_t k,
                        Py_ssize_t nh) noexcept nogil:
    cdef Py_ssize_t c, best
    while True:
        c = 2 * k + 1
        if c >= nh:
            break
        best = c
        if c + 1 < nh and key[hp[c + 1]] > key[hp[c]]:
            best = c + 1
        if key[hp[best]] <= key[hp[k]]:
            break
        _hswap(hp, posh, best, k)
        k = best


cdef inline void _hset(Py_ssize_t* hp, Py_ssize_t* posh, double* key, Py_ssize_t i, double s,
                       Py_ssize_t nh) noexcept nogil:
    """Change node i's key (no-op for nodes outside the heap)."""
    cdef Py_ssize_t k = posh[i]
    cdef double old = key[i]
    key[i] = s
    if k < 0:
        return
    if s > old:
        _hup(hp, posh, key, k)
    elif s < old:
        _hdown(hp, posh, key, k, nh)


cdef inline double _gscore(int rule, double g, double a) noexcept nogil:
    if rule == GS:
        return fabs(g)
    if a <= 0.0:
        return 0.0
    if rule == GSQ:
        return 0.5 * g * g / a
    return fabs(g) / sqrt(a)


def graph_bcd(const int[::1] indptr, const int[::1] indices, const double[::1] data,
              const double[::1] diag, double[::1] x, double[::1] g, const char[::1] free_,
              int rule, int partition, int update, Py_ssize_t block_size,
              const Py_ssize_t[::1] block_ptr, const Py_ssize_t[::1] block_idx,
              Py_ssize_t max_iter, double tol, unsigned long long seed, double[::1] trace):
    """Block coordinate descent on 1/2 x^T A x - b^T x over the free nodes.

    ``g`` holds A x - b on entry and is kept equal to it.  partition: 0 variable
    blocks of ``block_size`` nodes chosen by ``rule``; 1 fixed blocks
    (``block_ptr``/``block_idx``: forests or colour classes) chosen by ``rule``;
    2 greedy tree blocks (a maximal forest grown in score order, at most
    ``block_size`` nodes).  Stops when max |g_i| over free nodes <= tol.
    ``trace`` receives f(x) - f(x_0) after each block update.

    Returns (n_iter, max_abs_gradient).
    """
    cdef Py_ssize_t n = diag.shape[0], i, j, k, a, t, nb, it = 0, cursor = 0, nfree = 0
    cdef Py_ssize_t n_blocks = block_ptr.shape[0] - 1 if block_ptr.shape[0] > 0 else 0
    cdef Py_ssize_t n_trace = trace.shape[0], epoch_len, nc, tries
    cdef unsigned long long rng = seed * 6364136223846793005ULL + 1442695040888963407ULL
    cdef double gmax = INFINITY, s, best, obj = 0.0, dq, Lb, d
    cdef int st, info, nrhs = 1, nn
    cdef char uplo = b'L'
    cdef bint greedy = rule >= GS
    if rng == 0:
        rng = 88172645463325252ULL
    cdef Py_ssize_t* freeidx = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* blk = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* pos = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* parent = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* order = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* uf = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* roots = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* cand = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef char* inb = <char*> malloc((n + 1) * sizeof(char))
    cdef double* pw = <double*> malloc((n + 1) * sizeof(double))
    cdef double* dd = <double*> malloc((n + 1) * sizeof(double))
    cdef double* rr = <double*> malloc((n + 1) * sizeof(double))
    cdef double* rhs = <double*> malloc((n + 1) * sizeof(double))
    cdef double* dx = <double*> malloc((n + 1) * sizeof(double))
    cdef double* cum = <double*> malloc((n + 2) * sizeof(double))
    cdef double* bs = <double*> malloc((n_blocks + 1) * sizeof(double))
    cdef ScoreIdx* si = <ScoreIdx*> malloc((n + 1) * sizeof(ScoreIdx))
    cdef double* sc = <double*> malloc((n + 1) * sizeof(double))
    cdef unsigned int* ka = <unsigned int*> malloc((n + 1) * sizeof(unsigned int))
    cdef unsigned int* kb = <unsigned int*> malloc((n + 1) * sizeof(unsigned int))
    cdef Py_ssize_t* ia = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* ib = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* cnt = <Py_ssize_t*> malloc(4 * 256 * sizeof(Py_ssize_t))
    cdef bint use_heap = greedy and partition == P_VARIABLE
    cdef Py_ssize_t* hp = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* posh = <Py_ssize_t*> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef double* key = <double*> malloc((n + 1) * sizeof(double))
    cdef Py_ssize_t nh = 0
    cdef Py_ssize_t tau = block_size if block_size > 0 else 1
    cdef double* H = <double*> malloc((tau * tau + 1) * sizeof(double)) if (partition == P_VARIABLE and tau > 1 and tau <= 512) else NULL
    with nogil:
        for i in range(n):
            pos[i] = -1
            uf[i] = i
            inb[i] = 0
            if free_[i]:
                freeidx[nfree] = i
                nfree += 1
        cum[0] = 0.0
        for a in range(nfree):
            cum[a + 1] = cum[a] + diag[freeidx[a]]
        if tau > nfree:
            tau = nfree
        if partition == P_VARIABLE:
            epoch_len = (nfree + tau - 1) // tau if tau > 0 else 1
        elif partition == P_FIXED:
            epoch_len = n_blocks
        else:
            epoch_len = 1
        if epoch_len < 1:
            epoch_len = 1
        if use_heap:
            for i in range(n):
                posh[i] = -1
            for a in range(nfree):
                i = freeidx[a]
                key[i] = _gscore(rule, g[i], diag[i])
                hp[a] = i
                posh[i] = a
            nh = nfree
            a = nh // 2 - 1
            while a >= 0:
                _hdown(hp, posh, key, a, nh)
                a -= 1
        while it < max_iter and nfree > 0:
            if partition == P_GREEDY_TREE:
                # scores and the stopping test in one pass
                gmax = 0.0
                for a in range(nfree):
                    i = freeidx[a]
                    s = fabs(g[i])
                    if s > gmax:
                        gmax = s
                    sc[a] = _gscore(rule if greedy else GSL, g[i], diag[i])
                if gmax <= tol:
                    break
            elif it % epoch_len == 0 or partition != P_VARIABLE or (greedy and not use_heap):
                gmax = 0.0
                for a in range(nfree):
                    s = fabs(g[freeidx[a]])
                    if s > gmax:
                        gmax = s
                if gmax <= tol:
                    break
            # ------------------------------------------------ choose the block
            nb = 0
            if partition == P_GREEDY_TREE:
                nc = _sort_desc(sc, freeidx, nfree, ka, ia, kb, ib, cnt, cand)
                nb = _grow_forest(indptr, indices, data, cand, nc,
                                  block_size if block_size > 0 else nfree, uf, inb, roots, blk)
            elif partition == P_FIXED:
                if greedy:
                    best = -1.0
                    j = 0
                    for t in range(n_blocks):
                        s = 0.0
                        for k in range(block_ptr[t], block_ptr[t + 1]):
                            i = block_idx[k]
                            s += _gscore(rule, g[i], diag[i]) ** 2 if rule != GSQ else _gscore(rule, g[i], diag[i])
                        if s > best:
                            best = s
                            j = t
                elif rule == CYCLIC:
                    j = cursor % n_blocks
                    cursor += 1
                else:
                    j = <Py_ssize_t> (_rng_unif(&rng) * n_blocks)
                    if j >= n_blocks:
                        j = n_blocks - 1
                for k in range(block_ptr[j], block_ptr[j + 1]):
                    blk[nb] = block_idx[k]
                    nb += 1
            elif use_heap:
                # the tau best scores, popped from the heap (pushed back after the update)
                while nb < tau and nh > 0 and key[hp[0]] > 0.0:
                    blk[nb] = hp[0]
                    nb += 1
                    nh -= 1
                    posh[hp[0]] = -1
                    if nh > 0:
                        hp[0] = hp[nh]
                        posh[hp[0]] = 0
                        _hdown(hp, posh, key, 0, nh)
            else:
                if greedy:
                    # top-tau scores by partial selection
                    nc = 0
                    for a in range(nfree):
                        i = freeidx[a]
                        si[nc].s = _gscore(rule, g[i], diag[i])
                        si[nc].i = i
                        nc += 1
                    if tau == 1:
                        best = -1.0
                        for a in range(nc):
                            if si[a].s > best:
                                best = si[a].s
                                blk[0] = si[a].i
                        nb = 1
                    else:
                        # partial selection of the tau best (insertion into a sorted buffer)
                        nb = 0
                        for a in range(nc):
                            s = si[a].s
                            if nb == tau and s <= dd[tau - 1]:
                                continue
                            t = nb if nb < tau else tau - 1
                            while t > 0 and dd[t - 1] < s:
                                dd[t] = dd[t - 1]
                                blk[t] = blk[t - 1]
                                t -= 1
                            dd[t] = s
                            blk[t] = si[a].i
                            if nb < tau:
                                nb += 1
                elif rule == CYCLIC:
                    for t in range(tau):
                        blk[nb] = freeidx[cursor % nfree]
                        cursor += 1
                        nb += 1
                        if cursor % nfree == 0:
                            break
                else:
                    tries = 0
                    while nb < tau and tries < 20 * tau + 20:
                        tries += 1
                        if rule == RANDOM or cum[nfree] <= 0.0:
                            a = <Py_ssize_t> (_rng_unif(&rng) * nfree)
                            if a >= nfree:
                                a = nfree - 1
                        else:
                            a = _sample(cum, nfree, _rng_unif(&rng) * cum[nfree])
                        i = freeidx[a]
                        if not inb[i]:
                            inb[i] = 1
                            blk[nb] = i
                            nb += 1
                    for t in range(nb):
                        inb[blk[t]] = 0
            if nb == 0:
                if use_heap:
                    gmax = 0.0
                    for a in range(nfree):
                        s = fabs(g[freeidx[a]])
                        if s > gmax:
                            gmax = s
                break
            # ------------------------------------------------ solve for the step
            for a in range(nb):
                rhs[a] = -g[blk[a]]
            st = 1
            if nb == 1:
                dx[0] = rhs[0] / diag[blk[0]] if diag[blk[0]] > 0.0 else 0.0
                st = 0
            elif update == U_NEWTON or update == U_MESSAGE:
                st = _tree_solve(indptr, indices, data, diag, blk, nb, rhs, dx, pos, parent,
                                 order, pw, dd, rr)
                if st != 0 and H != NULL and nb <= 512:
                    # not a forest: dense Cholesky of the block
                    for a in range(nb):
                        pos[blk[a]] = a
                    for a in range(nb * nb):
                        H[a] = 0.0
                    for a in range(nb):
                        i = blk[a]
                        for k in range(indptr[i], indptr[i + 1]):
                            t = pos[indices[k]]
                            if t >= 0:
                                H[a * nb + t] += data[k]
                        dx[a] = rhs[a]
                    for a in range(nb):
                        pos[blk[a]] = -1
                    nn = <int> nb
                    dposv(&uplo, &nn, &nrhs, H, &nn, dx, &nn, &info)
                    st = info
            if st != 0:
                # gradient step with the Gershgorin bound of the block
                for a in range(nb):
                    pos[blk[a]] = a
                Lb = 0.0
                for a in range(nb):
                    i = blk[a]
                    s = 0.0
                    for k in range(indptr[i], indptr[i + 1]):
                        if pos[indices[k]] >= 0:
                            s += fabs(data[k])
                    if s > Lb:
                        Lb = s
                for a in range(nb):
                    pos[blk[a]] = -1
                for a in range(nb):
                    dx[a] = rhs[a] / Lb if Lb > 0.0 else 0.0
            # ------------------------------------------------ apply it
            dq = 0.0
            for a in range(nb):
                i = blk[a]
                d = dx[a]
                if d == 0.0:
                    continue
                dq += g[i] * d  # first-order part, then half the curvature below
                x[i] += d
            if n_trace > 0:
                # f change = g_b^T d + 1/2 d^T A_bb d = 1/2 (g_b + g_b_new)^T d
                for a in range(nb):
                    dd[a] = g[blk[a]]
            for a in range(nb):
                i = blk[a]
                d = dx[a]
                if d == 0.0:
                    continue
                for k in range(indptr[i], indptr[i + 1]):
                    g[indices[k]] += data[k] * d
            if use_heap:
                # push the block back, then refresh the keys of its neighbours
                for a in range(nb):
                    i = blk[a]
                    key[i] = _gscore(rule, g[i], diag[i])
                    hp[nh] = i
                    posh[i] = nh
                    nh += 1
                    _hup(hp, posh, key, nh - 1)
                for a in range(nb):
                    i = blk[a]
                    if dx[a] == 0.0:
                        continue
                    for k in range(indptr[i], indptr[i + 1]):
                        j = indices[k]
                        if j != i and posh[j] >= 0:
                            _hset(hp, posh, key, j, _gscore(rule, g[j], diag[j]), nh)
            if n_trace > 0:
                dq = 0.0
                for a in range(nb):
                    dq += 0.5 * (dd[a] + g[blk[a]]) * dx[a]
                obj += dq
                if it < n_trace:
                    trace[it] = obj
            it += 1
        gmax = 0.0
        for a in range(nfree):
            s = fabs(g[freeidx[a]])
            if s > gmax:
                gmax = s
    free(freeidx)
    free(blk)
    free(pos)
    free(parent)
    free(order)
    free(uf)
    free(roots)
    free(cand)
    free(inb)
    free(pw)
    free(dd)
    free(rr)
    free(rhs)
    free(dx)
    free(cum)
    free(bs)
    free(si)
    free(sc)
    free(ka)
    free(kb)
    free(ia)
    free(ib)
    free(cnt)
    free(hp)
    free(posh)
    free(key)
    if H != NULL:
        free(H)
    return it, gmax


cdef inline Py_ssize_t _sample(const double* cum, Py_ssize_t n, double u) noexcept nogil:
    cdef Py_ssize_t lo = 0, hi = n - 1, mid
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid + 1] > u:
            hi = mid
        else:
            lo = mid + 1
    return lo


def greedy_coloring(const int[::1] indptr, const int[::1] indices, const double[::1] data,
                    Py_ssize_t[::1] colors):
    """Greedy graph colouring in node order (red-black on bipartite graphs); returns the count."""
    cdef Py_ssize_t n = colors.shape[0], i, k, c, nc = 0
    cdef char* used = <char*> malloc((n + 2) * sizeof(char))
    with nogil:
        for i in range(n + 1):
            used[i] = 0
        for i in range(n):
            colors[i] = -1
        for i in range(n):
            for k in range(indptr[i], indptr[i + 1]):
                if indices[k] != i and data[k] != 0.0 and colors[indices[k]] >= 0:
                    used[colors[indices[k]]] = 1
            c = 0
            while used[c]:
                c += 1
            colors[i] = c
            if c + 1 > nc:
                nc = c + 1
            for k in range(indptr[i], indptr[i + 1]):
                if indices[k] != i and colors[indices[k]] >= 0:
                    used[colors[indices[k]]] = 0
    free(used)
    return nc
