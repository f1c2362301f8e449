"""Text-to-pattern Hamming distances: exact, k-mismatch and approximate."""

from ._distances import approximate_hamming_distances, hamming_distances, k_mismatch
from ._estimators import MismatchVectorizer

__all__ = ["hamming_distances", "k_mismatch", "approximate_hamming_distances", "MismatchVectorizer"]
