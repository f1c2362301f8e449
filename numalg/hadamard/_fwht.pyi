import numpy as np
from numpy.typing import NDArray

def fwht_rows(x: NDArray[np.floating], scale: float) -> None: ...
