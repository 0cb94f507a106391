"""huntkit for JupyterLab.

The Python package only ships the prebuilt JupyterLab extension
(``@huntkit/jupyterlab``): the analysis runs in the browser, in WebAssembly,
with no kernel and no server extension.
"""

from ._version import __version__

__all__ = ["__version__", "_jupyter_labextension_paths"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where JupyterLab finds the prebuilt extension inside this package."""
    return [{"src": "labextension", "dest": "@huntkit/jupyterlab"}]
