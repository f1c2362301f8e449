"""Mismatch features for sequence classification: a scikit-learn transformer."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import metadata_routing
from sklearn.utils.validation import check_is_fitted

from .._validation import check_int, check_option, check_random_state
from ._distances import _encode, _prepare, _distances_codes, _to_symbols

__all__ = ["MismatchVectorizer"]


def _check_sequences(raw_sequences, name="raw_sequences"):
    if isinstance(raw_sequences, (str, bytes)):
        raise TypeError(
            f"{name} must be a list of sequences (str, bytes or 1-D integer arrays), "
            f"got a single {type(raw_sequences).__name__}"
        )
    try:
        seqs = list(raw_sequences)
    except TypeError:
        raise TypeError(f"{name} must be an iterable of sequences, got {type(raw_sequences).__name__}") from None
    if not seqs:
        raise ValueError(f"{name} must contain at least one sequence")
    kinds = set()
    out = []
    for i, s in enumerate(seqs):
        kind, arr = _to_symbols(s, f"{name}[{i}]")
        if arr.shape[0] == 0:
            raise ValueError(f"{name}[{i}] must not be empty")
        kinds.add(kind)
        out.append(s if kind != "array" else arr)
    if len(kinds) > 1:
        raise TypeError(f"{name} must hold sequences of one kind (all str, all bytes or all integer arrays), got {sorted(kinds)}")
    return out, kinds.pop()


class MismatchVectorizer(TransformerMixin, BaseEstimator):
    """Mismatch features of sequences: distances to motifs over all alignments.

    Like :class:`~sklearn.feature_extraction.text.CountVectorizer` takes
    documents, this transformer takes a list of sequences (str, bytes or 1-D
    integer arrays, e.g. DNA or protein) and returns one row per sequence and
    one column per motif: the motif's minimum Hamming distance over all the
    alignments in the sequence, or the number of alignments within
    ``max_mismatches`` of it.  Put it in a :class:`~sklearn.pipeline.Pipeline`
    before a classifier for sequence classification with mismatch features.

    Parameters
    ----------
    motifs : list of str, bytes or 1-D int arrays, default=None
        The motifs; ``None`` samples ``n_motifs`` substrings of length
        ``motif_length`` from the training sequences.
    n_motifs : int, default=100
        Number of motifs sampled when ``motifs`` is None.
    motif_length : int, default=8
        Length of the sampled motifs.
    max_mismatches : int, default=None
        With ``statistic="count"``, the largest distance counted (``None``
        counts exact occurrences only).  With ``statistic="min_distance"``,
        distances are clipped at ``max_mismatches + 1`` (``None``: no clipping).
    statistic : {"min_distance", "count"}, default="min_distance"
        The feature computed per motif and sequence.  A sequence shorter than
        a motif has the motif's length as minimum distance and a zero count.
    n_jobs : int, default=None
        Threads over the sequences (joblib).
    random_state : int, RandomState, Generator or None, default=None
        Seed for sampling the motifs.

    Attributes
    ----------
    motifs_ : list
        The motifs, as given or sampled, in the kind of the input sequences.
    n_features_out_ : int
        The number of motifs (columns of ``transform``).

    See Also
    --------
    hamming_distances : The distances behind each feature.

    Examples
    --------
    >>> from numalg.hamming import MismatchVectorizer
    >>> vec = MismatchVectorizer(motifs=["ACGT", "TTTT"])
    >>> vec.fit_transform(["ACGTACGT", "TTTAGTTT", "GG"])
    array([[0., 3.],
           [2., 1.],
           [4., 4.]])
    """

    # the sequences are the data, not metadata to route
    __metadata_request__fit = {"raw_sequences": metadata_routing.UNUSED}
    __metadata_request__transform = {"raw_sequences": metadata_routing.UNUSED}

    def __init__(
        self,
        *,
        motifs=None,
        n_motifs=100,
        motif_length=8,
        max_mismatches=None,
        statistic="min_distance",
        n_jobs=None,
        random_state=None,
    ):
        self.motifs = motifs
        self.n_motifs = n_motifs
        self.motif_length = motif_length
        self.max_mismatches = max_mismatches
        self.statistic = statistic
        self.n_jobs = n_jobs
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags

    def _check_params(self):
        check_option(self.statistic, "statistic", ("min_distance", "count"))
        if self.max_mismatches is not None:
            check_int(self.max_mismatches, "max_mismatches", min_val=0)
        if self.motifs is None:
            check_int(self.n_motifs, "n_motifs", min_val=1)
            check_int(self.motif_length, "motif_length", min_val=1)

    def fit(self, raw_sequences, y=None):
        """Keep the given motifs or sample them from the sequences.

        Parameters
        ----------
        raw_sequences : list of str, bytes or 1-D int arrays
            The training sequences.
        y : None
            Ignored.

        Returns
        -------
        self : MismatchVectorizer
        """
        self._check_params()
        seqs, kind = _check_sequences(raw_sequences)
        if self.motifs is not None:
            motifs, mkind = _check_sequences(self.motifs, "motifs")
            if mkind != kind:
                raise TypeError(f"motifs must be of the same kind as the sequences ({kind}), got {mkind}")
        else:
            rng = check_random_state(self.random_state)
            L = self.motif_length
            long = [s for s in seqs if len(s) >= L]
            if not long:
                raise ValueError(
                    f"motif_length={L} is longer than every sequence in raw_sequences"
                )
            lengths = np.array([len(s) - L + 1 for s in long], dtype=np.float64)
            which = rng.choice(len(long), size=self.n_motifs, p=lengths / lengths.sum())
            motifs = []
            for w in which:
                a = int(rng.integers(0, len(long[w]) - L + 1))
                motifs.append(long[w][a : a + L])
        self.motifs_ = motifs
        self._kind = kind
        self.n_features_out_ = len(motifs)
        return self

    def _row(self, seq):
        row = np.empty(len(self.motifs_), dtype=np.float64)
        cap = self.max_mismatches
        for j, motif in enumerate(self.motifs_):
            m = len(motif)
            if len(seq) < m:
                row[j] = m if self.statistic == "min_distance" else 0.0
                continue
            c = _encode(*_prepare(seq, motif))
            D = _distances_codes(c, "auto")
            if self.statistic == "min_distance":
                d = int(D.min())
                row[j] = d if cap is None else min(d, cap + 1)
            else:
                row[j] = float(np.count_nonzero(D <= (0 if cap is None else cap)))
        return row

    def transform(self, raw_sequences):
        """Mismatch features of each sequence.

        Parameters
        ----------
        raw_sequences : list of str, bytes or 1-D int arrays
            Sequences of the kind seen in ``fit``.

        Returns
        -------
        X : ndarray of shape (n_sequences, n_motifs)
            Minimum distance or count per motif.
        """
        check_is_fitted(self, "motifs_")
        seqs, kind = _check_sequences(raw_sequences)
        if kind != self._kind:
            raise TypeError(f"raw_sequences must be of the kind seen in fit ({self._kind}), got {kind}")
        if self.n_jobs in (None, 1) or len(seqs) < 2:
            rows = [self._row(s) for s in seqs]
        else:
            from joblib import Parallel, delayed

            rows = Parallel(n_jobs=self.n_jobs, prefer="threads")(delayed(self._row)(s) for s in seqs)
        return np.vstack(rows)

    def get_feature_names_out(self, input_features=None):
        """One name per motif: ``motif_<i>_<motif>`` (the motif shown for str input)."""
        check_is_fitted(self, "motifs_")
        names = []
        for i, motif in enumerate(self.motifs_):
            shown = motif if isinstance(motif, str) else ""
            names.append(f"motif_{i}" + (f"_{shown}" if shown else ""))
        return np.asarray(names, dtype=object)

