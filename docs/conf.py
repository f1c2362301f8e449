"""Sphinx configuration of the numalg documentation.

The package is imported from the installed build (never from the source tree:
the repo is not put on sys.path), so build with ``sphinx-build``, not
``python -m sphinx`` from the repo root.
"""

import os
import warnings

import numalg

project = "numalg"
copyright = "2026, the numalg developers"
author = "the numalg developers"
version = release = numalg.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.doctest",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
if os.environ.get("NUMALG_INTERSPHINX"):  # opt-in: CI is offline
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
    }

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb", "examples/**/README.txt"]
html_theme = "pydata_sphinx_theme"
html_title = f"numalg {release}"
html_theme_options = {"navigation_with_keys": False}
html_static_path = []

# Gallery: every example is executed during the build (each < ~30 s on 2 cores).
# NUMALG_GALLERY=<regex> restricts execution to matching files while developing.
_pattern = os.environ.get("NUMALG_GALLERY", r"/plot_")
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": _pattern,
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "plot_gallery": "True",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
}

warnings.filterwarnings("ignore", category=UserWarning, message="Matplotlib is currently using agg")
os.environ.setdefault("MPLBACKEND", "agg")

# scikit-learn's inherited methods (score, get_params, set_*_request, ...) carry
# docstrings that cross-reference scikit-learn's own glossary and labels, which
# do not exist here and would fail the -W build: document numalg's own members only.
numpydoc_show_inherited_class_members = False


def _skip_foreign_members(app, what, name, obj, skip, options):
    module = getattr(obj, "__module__", None) or ""
    if module.startswith("sklearn.") or name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)
